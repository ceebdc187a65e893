"""The catalog as JSON and as an Excel workbook, both ways.

Both shapes carry the same fields as ``validation.clean_item`` reads, so a file
exported here imports unchanged. Excel has two sheets: ``items`` (one row per item,
lists as comma-separated codes, offices and FAQ as JSON text) and ``materials`` (one
row per material, tied to its item by ``item_code``).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from onewindow.catalog.models import ServiceItemVersion
from onewindow.catalog.rows import ITEMS_SHEET, MATERIALS_SHEET, ImportRejected, RowError

ITEM_COLUMNS = (
    "code",
    "department",
    "name",
    "name_en",
    "kind",
    "audience",
    "co_departments",
    "topics",
    "summary",
    "summary_en",
    "legal_basis",
    "legal_basis_en",
    "conditions",
    "conditions_en",
    "statutory_limit_days",
    "promised_limit_days",
    "is_free",
    "fee_amount",
    "fee_basis",
    "fee_basis_en",
    "online_level",
    "max_visits",
    "channels",
    "keywords",
    "offices",
    "faq",
)
MATERIAL_COLUMNS = (
    "item_code",
    "name",
    "name_en",
    "form",
    "count",
    "source",
    "source_department",
    "certificate_type",
    "certificate_type_en",
    "required",
    "notes",
    "notes_en",
)
LIST_COLUMNS = ("co_departments", "topics", "channels")
JSON_COLUMNS = ("offices", "faq")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def version_as_dict(version: ServiceItemVersion) -> dict[str, Any]:
    return {
        "code": version.item.code,
        "department": version.item.department.code,
        **{
            name: getattr(version, name)
            for name in (
                "name",
                "name_en",
                "kind",
                "audience",
                "summary",
                "summary_en",
                "legal_basis",
                "legal_basis_en",
                "conditions",
                "conditions_en",
                "statutory_limit_days",
                "promised_limit_days",
                "is_free",
                "fee_basis",
                "fee_basis_en",
                "online_level",
                "max_visits",
                "channels",
                "keywords",
                "offices",
                "faq",
            )
        },
        "fee_amount": str(version.fee_amount),
        "co_departments": [d.code for d in version.co_departments.all()],
        "topics": [t.code for t in version.topics.all()],
        "materials": [
            {
                "name": m.name,
                "name_en": m.name_en,
                "form": m.form,
                "count": m.count,
                "source": m.source,
                "source_department": m.source_department.code if m.source_department else None,
                "certificate_type": m.certificate_type,
                "certificate_type_en": m.certificate_type_en,
                "required": m.required,
                "notes": m.notes,
                "notes_en": m.notes_en,
            }
            for m in version.materials.all()
        ],
    }


def export_json(versions: list[ServiceItemVersion]) -> str:
    return json.dumps([version_as_dict(v) for v in versions], ensure_ascii=False, indent=1)


def export_excel(versions: list[ServiceItemVersion]) -> bytes:
    workbook = Workbook()
    items = workbook.active
    assert items is not None
    items.title = "items"
    items.append(ITEM_COLUMNS)
    materials = workbook.create_sheet("materials")
    materials.append(MATERIAL_COLUMNS)
    for version in versions:
        data = version_as_dict(version)
        row = []
        for column in ITEM_COLUMNS:
            value = data[column]
            if column in LIST_COLUMNS:
                value = ",".join(value)
            elif column in JSON_COLUMNS:
                value = json.dumps(value, ensure_ascii=False)
            row.append(value)
        items.append(row)
        for material in data["materials"]:
            materials.append([data["code"], *(material[c] for c in MATERIAL_COLUMNS[1:])])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def parse_json(raw: bytes) -> list[Any]:
    try:
        rows = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportRejected([RowError(0, "file", _("The file is not valid UTF-8 JSON."))]) from exc
    if not isinstance(rows, list):
        raise ImportRejected([RowError(0, "file", _("The file must hold a list of items."))])
    return rows


NO_SUCH_ITEM = gettext_lazy("No item of the items sheet has this code.")


def parse_excel(raw: bytes) -> list[Any]:
    """Rows of the ``items`` sheet as dicts (numbered from 2, under the header), with
    their materials. Cell types are left as Excel gives them; validation judges them.

    Each row says where it was: ``_row``, its number in the items sheet, and
    ``_material_rows``, the numbers of its materials' rows in the materials sheet, so
    that a problem is reported where the editor will find it."""
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportRejected(
            [RowError(0, "file", _("The file is not an Excel workbook."))]
        ) from exc
    if "items" not in workbook.sheetnames:
        raise ImportRejected([RowError(0, "file", _("The workbook has no sheet named items."))])
    problems: list[RowError] = []
    header, *body = list(workbook["items"].iter_rows(values_only=True)) or [()]
    missing = [c for c in ("code", "department", "name") if c not in header]
    if missing:
        raise ImportRejected([RowError(1, c, _("Missing column."), ITEMS_SHEET) for c in missing])
    materials: dict[str, list[dict[str, Any]]] = defaultdict(list)
    material_rows: dict[str, list[int]] = defaultdict(list)
    if "materials" in workbook.sheetnames:
        m_header, *m_body = list(workbook["materials"].iter_rows(values_only=True)) or [()]
        for m_number, m_row in enumerate(m_body, start=2):
            entry = dict(zip(m_header, m_row, strict=False))
            if any(v not in (None, "") for v in entry.values()):
                code = str(entry.pop("item_code", "") or "")
                materials[code].append(
                    {k: ("" if v is None else v) for k, v in entry.items() if k is not None}
                )
                material_rows[code].append(m_number)
    rows: list[Any] = []
    for number, values in enumerate(body, start=2):
        data: dict[str, Any] = {}
        for column, value in zip(header, values, strict=False):
            if column is None:
                continue
            if column in JSON_COLUMNS and isinstance(value, str) and value.strip():
                try:
                    value = json.loads(value)
                except json.JSONDecodeError:
                    problems.append(RowError(number, column, _("Not valid JSON."), ITEMS_SHEET))
                    value = []
            data[column] = "" if value is None else value
        if not any(v not in ("", None) for v in data.values()):
            continue  # blank rows at the end of a sheet
        data["materials"] = materials.get(str(data.get("code", "")), [])
        data["_material_rows"] = material_rows.get(str(data.get("code", "")), [])
        data["_row"] = number
        rows.append(data)
    # A material whose item_code names no item of the items sheet would be dropped
    # without a word (a typo lost it): each such row is a problem of its own.
    codes = {str(row.get("code", "")) for row in rows}
    for code, numbers in material_rows.items():
        if code not in codes:
            problems += [
                RowError(m_number, "item_code", str(NO_SUCH_ITEM), MATERIALS_SHEET)
                for m_number in numbers
            ]
    if problems:
        raise ImportRejected(sorted(problems, key=lambda p: (p.sheet != ITEMS_SHEET, p.row)))
    return rows
