"""A case's files under the materials (attachment slots) they were given for.

Each stored file knows its form definition and slot (``Attachment.definition`` and
``.slot``); the slot's label comes from that form: the case's own, or for a life event
the form of the item that asked for it (its parent holds every item's files, a shared
material once, under the first item asking for it). A file sent later in answer to a
supplement request (补正) takes the place of the old one of its slot, so it appears
under the same material, marked with when it was sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from onewindow.cases.choices import SupplementStatus
from onewindow.cases.models import Case, SupplementRequest
from onewindow.cases.supplement_materials import is_other_slot_key, other_slot_key
from onewindow.forms import spec
from onewindow.forms.models import Attachment


@dataclass(frozen=True)
class MaterialFile:
    attachment: Attachment
    supplied_at: datetime | None = None  # sent in answer to a supplement request


@dataclass
class Material:
    label: str  # in the reader's language
    files: list[MaterialFile] = field(default_factory=list)


@dataclass
class Materials:
    # The case's own materials; for a life event, its files no item's form names.
    own: list[Material] = field(default_factory=list)
    by_item: dict[int, list[Material]] = field(default_factory=dict)  # child pk -> its

    @property
    def empty(self) -> bool:
        return not self.own and not any(self.by_item.values())


def _supplied_at(case: Case, children: Sequence[Case], ids: list[int]) -> dict[int, datetime]:
    """When each of these files was sent in answer to a supplement request: one read."""
    through: Any = SupplementRequest.answer_attachments.through
    rows = through.objects.filter(
        Q(supplementrequest__case=case) | Q(supplementrequest__case__in=children),
        supplementrequest__status=SupplementStatus.ANSWERED,
        attachment_id__in=ids,
    ).values_list("attachment_id", "supplementrequest__answered_at")
    return dict(rows)


def _named_in_words(
    case: Case,
    children: Sequence[Case],
    attachments: list[Attachment],
    slots: Mapping[tuple[int, str], Any],
) -> dict[str, tuple[int | None, str]]:
    """The upload slots of materials supplement requests named in words (no form has
    them, ``supplement_materials``), by key: the case in view that was asked (None for
    ``case`` itself) and the material's name. Read only when such a file is there, and
    only the requests of ``case`` and the ``children`` in view: a hidden item's are not."""
    unmatched = [
        a
        for a in attachments
        if (a.definition_id or 0, a.slot) not in slots and is_other_slot_key(a.slot)
    ]
    if not unmatched:
        return {}
    in_view = {child.pk for child in children}
    found: dict[str, tuple[int | None, str]] = {}
    requests = SupplementRequest.objects.filter(Q(case=case) | Q(case__in=in_view))
    for request in requests.only("pk", "case_id", "items"):
        owner = None if request.case_id == case.pk else request.case_id
        for index, item in enumerate(request.items):
            if not item.get("slot"):
                found[other_slot_key(request, index)] = (owner, str(item.get("material", "")))
    return found


def case_materials(
    case: Case, children: Sequence[Case] = (), *, hidden: Sequence[Case] = ()
) -> Materials:
    """The files of ``case`` (its ``attachments`` and its items' ``form`` already
    loaded, as ``queries.case_for`` does), under their materials in the forms' order.
    ``hidden``: items of a life event whose files are left out (an officer reads only
    their departments' items, ``permissions.items_in_view``), except a shared material
    an item in view asks for too. A file sent for a material a supplement request named
    in words is shown by that name, under the item asked. One query at most, whatever
    the number of files (two when such a file is there)."""
    attachments = list(case.attachments.all())
    if not attachments:
        return Materials()
    # (form pk, slot key) -> (the item asking for it, or None for the case, its label)
    owners: list[tuple[int | None, Any]] = [(None, case.form)]
    owners += [(child.pk, child.form) for child in children]
    slots: dict[tuple[int, str], tuple[int | None, Material]] = {}
    shared: dict[str, Material] = {}  # a shared slot's key -> its material, first asked
    found = Materials()
    for owner, form in owners:
        if form is None:
            continue
        listed = found.own if owner is None else found.by_item.setdefault(owner, [])
        for slot in form.attachments or []:
            if (form.pk, slot["key"]) not in slots:
                material = Material(spec.localized(slot, "label") or slot["key"])
                slots[form.pk, slot["key"]] = (owner, material)
                listed.append(material)
                if slot.get("shared") is True:
                    shared.setdefault(slot["key"], material)
    hidden_forms = {child.form_id for child in hidden}
    supplied = _supplied_at(case, [*children, *hidden], [a.pk for a in attachments])
    named = _named_in_words(case, children, attachments, slots)
    other = Material(_("Other files"))
    for attachment in sorted(attachments, key=lambda a: (a.created_at, a.pk)):
        slot = slots.get((attachment.definition_id or 0, attachment.slot))
        if slot:
            target: Material | None = slot[1]
        elif attachment.slot in named:  # under the item asked for it, by its name
            owner, label = named[attachment.slot]
            listed = found.own if owner is None else found.by_item.setdefault(owner, [])
            target = next((m for m in listed if m.label == label), None)
            if target is None:
                target = Material(label)
                listed.append(target)
        elif attachment.definition_id in hidden_forms:
            # Stored under the hidden item that asked first: a shared material is the
            # item in view's too; any other is the hidden item's alone.
            target = shared.get(attachment.slot)
        else:
            target = other
        if target is not None:
            target.files.append(MaterialFile(attachment, supplied.get(attachment.pk)))
    found.own = [m for m in found.own if m.files]
    found.by_item = {k: [m for m in ms if m.files] for k, ms in found.by_item.items()}
    if other.files:
        found.own.append(other)
    return found


def holds(found: Materials, attachment: Attachment) -> bool:
    """Whether the materials show this file."""
    listed = [*found.own, *(m for ms in found.by_item.values() for m in ms)]
    return any(f.attachment.pk == attachment.pk for m in listed for f in m.files)


def item_materials(item: Case) -> Materials:
    """A life event's item's files, read on the item's own page: its parent (the event's
    application) holds them, and of those, the item's are the ones its form asks for, a
    shared material too, as an officer of the item's department reads them there."""
    parent = item.parent
    assert parent is not None
    siblings = [child for child in parent.children.all() if child.pk != item.pk]
    return Materials(own=case_materials(parent, [item], hidden=siblings).by_item.get(item.pk, []))
