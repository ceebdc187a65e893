"""Who uses a versioned definition (a form, a process), for the back office pages that
show one: a platform app keeps a ``Uses`` registry and the domain apps that bind its
definitions register what binds them, in their ``AppConfig.ready``, so the platform app
lists them without importing the domain apps. Each source is asked for one reader, since
the page a use links to is one that reader may open (the domain app's own rule)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Use:
    """Something bound to a definition version, which new applications then use."""

    label: str  # what it is, in the reader's language
    # Its page in the back office if the reader may open it, else a public page of it;
    # empty for none (the label is shown unlinked, not as a link answering 403).
    url: str
    note: str = ""  # its state, e.g. "Published" or "Draft"


# Definition ids and the reader → the uses of each, linked for that reader.
Provider = Callable[[list[int], Any], dict[int, list[Use]]]


class Uses:
    def __init__(self) -> None:
        self._providers: list[Provider] = []

    def register(self, provider: Provider) -> None:
        """Add a source: definition ids and a reader → the uses of each (idempotent)."""
        if provider not in self._providers:
            self._providers.append(provider)

    def of(self, definitions: Iterable[Any], *, reader: Any) -> dict[int, list[Use]]:
        """Definition id → everything bound to it, from every registered source, each
        linked to a page ``reader`` may open."""
        ids = [definition.pk for definition in definitions]
        found: dict[int, list[Use]] = {pk: [] for pk in ids}
        for provider in self._providers:
            for pk, uses in provider(ids, reader).items():
                found.setdefault(pk, []).extend(uses)
        return found


@dataclass(frozen=True)
class VersionUses:
    """A definition page's view of its uses: each version with its own, the shown
    version's, and whether a version older than it is still in use."""

    versions: list[tuple[Any, list[Use]]]  # newest first, as given
    shown: list[Use]
    older_in_use: bool


def version_uses(uses: Uses, versions: list[Any], shown: Any, *, reader: Any) -> VersionUses:
    found = uses.of(versions, reader=reader)
    return VersionUses(
        versions=[(version, found[version.pk]) for version in versions],
        shown=found.get(shown.pk, []),
        older_in_use=any(found[v.pk] for v in versions if v.version < shown.version),
    )
