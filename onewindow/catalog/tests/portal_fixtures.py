"""Extra catalog data for the portal tests, on top of ``conftest.catalog``: one guide
that fills every field (paid, co-handled, materials from every source, several
offices and questions)."""

from __future__ import annotations

from typing import Any

from onewindow.catalog import services

RICH_CODE = "310000-GA-XK-0009"

RICH_ITEM: dict[str, Any] = {
    "code": RICH_CODE,
    "department": "310000-GA",
    "name": "机动车驾驶证换证",
    "name_en": "Renewing a driving licence",
    "kind": "licensing",
    "audience": "person",
    "co_departments": ["310000-WJ"],
    "topics": [],
    "summary": "驾驶证有效期满前九十日内申请换证。",
    "summary_en": "Apply within ninety days before your driving licence expires.",
    "legal_basis": "《机动车驾驶证申领和使用规定》第六十一条",
    "conditions": "驾驶证有效期满前九十日内。",
    "statutory_limit_days": 20,
    "promised_limit_days": 1,
    "is_free": False,
    "fee_amount": "10",
    "fee_basis": "《驾驶证工本费收费标准》",
    "online_level": 3,
    "max_visits": 1,
    "channels": ["online", "mobile", "window"],
    "offices": [
        {
            "address": "浦东新区沪南路1号车管所",
            "address_en": "1 Hunan Road, Pudong",
            "hours": "周一至周六 9:00-17:00",
            "phone": "021-11111111",
        },
        {
            "address": "闵行区虹梅路2号车管所",
            "address_en": "2 Hongmei Road, Minhang",
            "hours": "周一至周五 9:00-17:00",
            "phone": "021-22222222",
        },
    ],
    "faq": [
        {
            "q": "过期了还能换吗？",
            "a": "过期一年内可以换证。",
            "q_en": "Can I renew after it expired?",
            "a_en": "Yes, within one year.",
        },
        {
            "q": "可以异地换证吗？",
            "a": "可以。",
            "q_en": "Can I renew in another city?",
            "a_en": "Yes.",
        },
    ],
    "keywords": "驾照 换驾照",
    "materials": [
        {
            "name": "机动车驾驶证",
            "name_en": "Driving licence",
            "form": "original",
            "count": 1,
            "source": "applicant",
            "source_department": None,
            "certificate_type": "",
            "required": True,
            "notes": "",
        },
        {
            "name": "身体条件证明",
            "name_en": "Health certificate",
            "form": "electronic",
            "count": 1,
            "source": "department",
            "source_department": "310000-WJ",
            "certificate_type": "",
            "required": True,
            "notes": "由体检医院上传",
        },
        {
            "name": "居民身份证",
            "name_en": "Resident identity card",
            "form": "electronic",
            "count": 1,
            "source": "certificate",
            "source_department": "310000-GA",
            "certificate_type": "居民身份证电子证照",
            "required": True,
            "notes": "",
        },
        {
            "name": "近期免冠照片",
            "name_en": "Recent photograph",
            "form": "original",
            "count": 2,
            "source": "applicant",
            "source_department": None,
            "certificate_type": "",
            "required": False,
            "notes": "白底一寸",
        },
    ],
}


def seed_rich_item() -> str:
    services.seed_items(rows=[RICH_ITEM], source="test")
    return RICH_CODE


def open_applications(code: str) -> None:
    """Connect an item to a demo form and a process, so it takes applications online
    (``queries.takes_applications``)."""
    from pathlib import Path

    from onewindow.forms.demo import load_demo_forms
    from onewindow.forms.queries import latest_definition
    from onewindow.workflow import queries as workflow_queries
    from onewindow.workflow import services as workflow_services

    load_demo_forms()
    from onewindow.workflow.models import ProcessDefinition

    try:
        process = workflow_queries.latest_definition("single_department")
    except ProcessDefinition.DoesNotExist:
        bpmn = Path(workflow_services.__file__).parent / "processes" / "single_department.bpmn"
        process = workflow_services.upload_definition(
            actor=None,
            key="single_department",
            name="单部门审批",
            bpmn_xml=bpmn.read_text(encoding="utf-8"),
        )
    services.bind_application(
        actor=None, code=code, form=latest_definition("newborn_hukou"), process=process
    )
