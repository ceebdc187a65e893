"""A file's items imported at once (the back office's import page): all of them or,
when any row has a problem, none; each changed item a version awaiting review."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from onewindow.audit.services import record_event
from onewindow.catalog.choices import VersionStatus
from onewindow.catalog.models import ServiceItem, ServiceItemVersion
from onewindow.catalog.rows import CheckedRow, ImportRejected, RowError, check_rows
from onewindow.catalog.services import OPEN_STATUSES, locked_open_version, stage_draft
from onewindow.catalog.transfer import version_as_dict
from onewindow.catalog.validation import CleanItem, clean_item
from onewindow.identity.models import User


def _guide_key(item: CleanItem) -> tuple[Any, ...]:
    """What of a guide an import writes, so that two guides compare equal when an import
    would change nothing: codes as sets (the database keeps no order of them), and an
    office's or question's empty texts as absent (an older file has no key for them)."""
    values = dict(item.values)
    for name in ("offices", "faq"):
        values[name] = [
            {k: v for k, v in entry.items() if v not in ("", None)} for entry in values[name]
        ]
    return (
        item.code,
        item.department,
        values,
        sorted(set(item.co_departments)),
        sorted(set(item.topics)),
        item.materials,
    )


def _holds(version: ServiceItemVersion, item: CleanItem) -> bool:
    """Whether ``version``'s guide is ``item`` already."""
    stored, _errors = clean_item(version_as_dict(version))
    # A stored guide that no longer passes today's checks differs from any that does.
    return stored is not None and _guide_key(stored) == _guide_key(item)


def _import_conflict(row: CheckedRow, open_version: ServiceItemVersion) -> RowError:
    """The problem of ``row``, which differs from the open version it may not replace."""
    author = str(open_version.author) if open_version.author else gettext("another editor")
    names = {"code": row.item.code, "number": open_version.number, "author": author}
    if open_version.status == VersionStatus.IN_REVIEW:
        message = _(
            "%(code)s has a version awaiting review (version %(number)d, by %(author)s) "
            "that differs from the file: import the item once it has been reviewed."
        )
    else:
        message = _(
            "%(author)s has an open draft of %(code)s (version %(number)d) that differs "
            "from the file; it was not overwritten. Ask them to submit it for review and "
            "import the item after the review, or leave the item out of the file."
        )
    return RowError(row.number, "code", str(message % names), row.sheet)


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the versions now awaiting review, the codes of the items
    left as they were because they already held what the file has, and of those whose
    open draft, the importer's own, the file's guide replaced."""

    staged: list[ServiceItemVersion]
    unchanged: list[str]
    replaced: list[str] = field(default_factory=list)


def import_items(
    *,
    actor: User,
    rows: list[Any],
    source: str,
    first_row: int = 1,
    request: HttpRequest | None = None,
) -> ImportResult:
    """All or nothing: every item the file changes becomes a version awaiting a second
    person's review, or, when any row has a problem, nothing is written at all.

    Every problem of the file is reported at once, in the file's order: the rows' own,
    those found reading the file (``rows`` from ``transfer.parse_excel`` carry them,
    ``rows.ReadRows``), and those of the items' open versions below.

    The items' open versions decide, each read under its row lock:

    - An item that already holds the file's guide is left as it is and counted
      unchanged: its published version (so that re-importing an export opens no empty
      review, whatever drafts are open), or its open version, whoever's (the file's
      content is there already; a draft stays its author's to submit).
    - The importer's own draft (not yet submitted, or returned) is replaced by the
      file's guide and submitted, as editing it would.
    - A version awaiting review, the importer's own included, that differs from the
      file refuses the file: it cannot be edited until it is reviewed
      (``stage_draft``, as the editor), and the reviewer is judging what it holds.
    - Another editor's draft that differs from the file refuses the file too. Writing
      over it would lose their work unseen; skipping the row would import part of a
      file the importer means as a whole. The row's error names the draft's author, so
      the two can agree who goes first.
    """
    with transaction.atomic():
        checked, problems = check_rows(actor=actor, rows=rows, first_row=first_row)
        to_stage: list[CheckedRow] = []
        unchanged: list[str] = []
        replaced: list[str] = []
        # Locked in the order of their codes, so that two imports do not deadlock.
        for row in sorted(checked, key=lambda r: r.item.code):
            # No select_related: PostgreSQL locks no row of a join's nullable side.
            service_item = (
                ServiceItem.objects.select_for_update().filter(code=row.item.code).first()
            )
            if service_item is not None and service_item.department_id != row.refs.department.pk:
                message = str(_("An item keeps its responsible department."))
                problems.append(
                    (row.position, RowError(row.number, "department", message, row.sheet))
                )
                continue
            if not row.complete:
                # A cell of the row could not be read (its problem is reported): what
                # the row holds is not known, so it is neither compared nor staged.
                continue
            if service_item is None:
                to_stage.append(row)
                continue
            published = service_item.published
            if published is not None and _holds(published, row.item):
                # The file changes nothing of the guide: whatever draft someone has
                # open stays theirs (a re-imported export was refused for it).
                unchanged.append(row.item.code)
                continue
            open_version = locked_open_version(service_item)
            if open_version is None:
                to_stage.append(row)
            elif open_version.status in OPEN_STATUSES and open_version.author_id == actor.pk:
                to_stage.append(row)  # the importer's own draft: theirs to replace
                if not _holds(open_version, row.item):
                    replaced.append(row.item.code)  # said, as what it held is gone
            elif _holds(open_version, row.item):
                unchanged.append(row.item.code)
            else:
                problems.append((row.position, _import_conflict(row, open_version)))
        if problems:
            # Raised inside the transaction: nothing has been written, and the locks go.
            problems.sort(key=lambda p: p[0])  # stable: a row's own problems keep their order
            raise ImportRejected([problem for _position, problem in problems])
        staged = [
            stage_draft(actor=actor, item=row.item, refs=row.refs, status=VersionStatus.IN_REVIEW)
            for row in sorted(to_stage, key=lambda r: r.position)
        ]
        record_event(
            actor=actor,
            action="catalog.imported",
            request=request,
            detail={
                "source": source,
                "items": [v.item.code for v in staged],
                "unchanged": sorted(unchanged),
                "replaced_drafts": sorted(replaced),
            },
        )
    return ImportResult(staged=staged, unchanged=sorted(unchanged), replaced=sorted(replaced))
