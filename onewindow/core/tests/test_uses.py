"""The registry of what uses a definition version (core/uses.py): every registered source
answers for the ids and the reader asked, a source registered twice counts once, and a
page's view says whether a version older than the one shown is still in use."""

from __future__ import annotations

from types import SimpleNamespace

from onewindow.core.uses import Use, Uses, version_uses


def test_sources_are_merged_per_version_and_registered_once():
    uses = Uses()

    def items(ids, reader):
        return {ids[0]: [Use("item", f"/item/?for={reader}")]}

    def events(ids, reader):
        return {pk: [Use(f"event {pk}", "/event/")] for pk in ids}

    uses.register(items)
    uses.register(items)
    uses.register(events)
    found = uses.of([SimpleNamespace(pk=1), SimpleNamespace(pk=2)], reader="editor")
    assert [u.label for u in found[1]] == ["item", "event 1"]
    assert [u.label for u in found[2]] == ["event 2"]
    # Each source links for the reader it is asked for.
    assert found[1][0].url == "/item/?for=editor"


def test_a_page_knows_when_an_older_version_is_still_in_use():
    newest, older = SimpleNamespace(pk=2, version=2), SimpleNamespace(pk=1, version=1)
    uses = Uses()
    uses.register(lambda ids, reader: {1: [Use("item", "/item/")]})
    on_newest = version_uses(uses, [newest, older], newest, reader=None)
    assert on_newest.shown == [] and on_newest.older_in_use
    assert [bound for _version, bound in on_newest.versions] == [[], [Use("item", "/item/")]]
    on_older = version_uses(uses, [newest, older], older, reader=None)
    assert on_older.shown == [Use("item", "/item/")] and not on_older.older_in_use
