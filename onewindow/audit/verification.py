"""Walks the audit chain and names every row that was edited, deleted or moved."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from onewindow.audit.hashing import HASHED_FIELDS, canonical_content, chain_hash
from onewindow.audit.models import GENESIS_HASH, AuditEvent, ChainHead


@dataclass(frozen=True)
class Problem:
    seq: int
    kind: str  # "edited", "deleted", "reordered", "truncated"
    message: str

    def __str__(self) -> str:
        return f"row {self.seq}: {self.kind} — {self.message}"


def _recomputed_hash(event: AuditEvent) -> str:
    values = {name: getattr(event, name) for name in HASHED_FIELDS}
    return chain_hash(event.prev_hash, canonical_content(values))


def verify_chain(batch_size: int = 2000) -> list[Problem]:
    """Return the problems found; an empty list means the chain is intact."""
    problems: list[Problem] = []
    stored_hashes = set(AuditEvent.objects.values_list("hash", flat=True))
    expected_seq, expected_prev = 1, GENESIS_HASH
    for event in _in_order(batch_size):
        if event.seq > expected_seq:
            missing = (
                f"{expected_seq}"
                if event.seq == expected_seq + 1
                else (f"{expected_seq}–{event.seq - 1}")
            )
            problems.append(Problem(expected_seq, "deleted", f"rows {missing} are missing"))
        elif event.seq < expected_seq:
            problems.append(Problem(event.seq, "reordered", "sequence number repeats"))
        if event.prev_hash != expected_prev:
            if event.prev_hash in stored_hashes and event.seq == expected_seq:
                problems.append(
                    Problem(
                        event.seq,
                        "reordered",
                        "it links to a row other than the one before it",
                    )
                )
            elif event.seq == expected_seq:
                problems.append(
                    Problem(
                        event.seq,
                        "edited",
                        "its link to the row before it was changed",
                    )
                )
        if _recomputed_hash(event) != event.hash:
            problems.append(
                Problem(
                    event.seq,
                    "edited",
                    "its content no longer matches its hash",
                )
            )
        expected_seq, expected_prev = event.seq + 1, event.hash
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and head.seq >= expected_seq:
        problems.append(
            Problem(
                expected_seq,
                "truncated",
                f"the log ends at row {expected_seq - 1} but {head.seq} rows were written",
            )
        )
    elif head is not None and head.seq == expected_seq - 1 and head.hash != expected_prev:
        problems.append(Problem(head.seq, "edited", "the last row differs from the chain head"))
    return problems


def _in_order(batch_size: int) -> Iterator[AuditEvent]:
    last = 0
    while True:
        batch = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch_size])
        if not batch:
            return
        yield from batch
        last = batch[-1].seq
