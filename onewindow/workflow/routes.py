"""How long a process may take by its own steps' limits: along every route from a start
event to an end, each user task's ``time_limit`` added up, the longest route kept. Steps
side by side (a parallel gateway's branches) count as the longest of them; a route back
to an earlier step (a rework loop) is counted once, not round and round; a boundary
timer's route (an escalation) is no part of the case's own. What the catalog compares
with an item's promised limit (``catalog.step_limits``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from onewindow.workflow.validation import BundleFacts


def longest_route_days(facts: BundleFacts, limits: Mapping[str, int]) -> int:
    """The most working days ``limits`` (user task id → its own limit) add up to along
    one route through the process ``facts`` describe (its starts and flows)."""
    following: dict[str, list[str]] = defaultdict(list)
    for source, target in facts.flows:
        following[source].append(target)
    starts = facts.starts
    forward = _without_loops(starts, following)
    longest: dict[str, int] = {}
    for node in reversed(_in_order(starts, forward)):
        ahead = [longest[nxt] for nxt in forward[node]]
        longest[node] = limits.get(node, 0) + max(ahead, default=0)
    return max((longest.get(start, 0) for start in starts), default=0)


def _without_loops(starts: list[str], following: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """The flows but those leading back to a node on the route to them: a graph
    without cycles. Iterative, so a long process cannot exhaust Python's stack."""
    forward: dict[str, list[str]] = defaultdict(list)
    done: set[str] = set()
    for start in starts:
        if start in done:
            continue
        on_route = {start}
        stack = [(start, iter(following.get(start, [])))]
        while stack:
            node, successors = stack[-1]
            nxt = next(successors, None)
            if nxt is None:
                stack.pop()
                on_route.discard(node)
                done.add(node)
            elif nxt not in on_route:  # a flow back to the route is a loop: left out
                forward[node].append(nxt)
                if nxt not in done:
                    on_route.add(nxt)
                    stack.append((nxt, iter(following.get(nxt, []))))
    return forward


def _in_order(starts: list[str], forward: Mapping[str, list[str]]) -> list[str]:
    """The nodes reachable from ``starts``, each before those it leads to."""
    seen: set[str] = set()
    order: list[str] = []
    for start in starts:
        stack = [(start, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend((nxt, False) for nxt in forward.get(node, []) if nxt not in seen)
    order.reverse()
    return order
