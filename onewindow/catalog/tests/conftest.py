"""A small catalog for the catalog tests, built through the services."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from onewindow.catalog import services
from onewindow.catalog.search import index as search_index
from onewindow.catalog.tests.chinese import PROPOSED_ZH
from onewindow.conftest import make_department, proposed_chinese
from onewindow.core import testing
from onewindow.identity.models import Department, DepartmentKind

TOPICS = [
    {"code": "birth", "name": "生育收养", "name_en": "Birth and adoption", "order": 1},
    {"code": "household", "name": "户籍办理", "name_en": "Household registration", "order": 2},
    {"code": "business-start", "name": "企业开办", "name_en": "Starting a business", "order": 3},
    {"code": "social-security", "name": "社会保障", "name_en": "Social security", "order": 4},
]


def item_row(
    *,
    code: str,
    department: str,
    name: str,
    name_en: str,
    audience: str = "person",
    kind: str = "confirmation",
    level: int = 4,
    topics: tuple[str, ...] = (),
    keywords: str = "",
    visits: int | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """One item in the catalog's JSON shape, with sensible defaults."""
    return {
        "code": code,
        "department": department,
        "name": name,
        "name_en": name_en,
        "kind": kind,
        "audience": audience,
        "co_departments": [],
        "topics": list(topics),
        "summary": f"{name}的办事指南。",
        "summary_en": f"Guide to {name_en}.",
        "legal_basis": "《测试条例》第一条",
        "conditions": "符合条件的申请人。",
        "statutory_limit_days": 20,
        "promised_limit_days": 5,
        "is_free": True,
        "fee_amount": "0",
        "fee_basis": "",
        "online_level": level,
        "max_visits": 0 if level == 5 else (visits if visits is not None else 1),
        "channels": ["online", "window"] if level >= 3 else ["window"],
        "offices": [
            {
                "address": "黄浦区人民路1号",
                "address_en": "1 Renmin Road",
                "hours": "9:00-17:00",
                "phone": "021-12345",
            }
        ],
        "faq": [{"q": "要多久？", "a": "5个工作日。", "q_en": "How long?", "a_en": "5 days."}],
        "keywords": keywords,
        "materials": [
            {
                "name": "居民身份证",
                "name_en": "Identity card",
                "form": "original",
                "count": 1,
                "source": "applicant",
                "source_department": None,
                "certificate_type": "",
                "required": True,
                "notes": "",
            }
        ],
        **extra,
    }


ITEMS = [
    item_row(
        code="310000-WJ-QR-0001",
        department="310000-WJ",
        name="出生医学证明签发",
        name_en="Issuing the medical birth certificate",
        topics=("birth",),
        level=4,
        keywords="生孩子 新生儿 出生证",
    ),
    item_row(
        code="310000-GA-QR-0001",
        department="310000-GA",
        name="新生儿户口登记",
        name_en="Household registration of a newborn",
        topics=("birth", "household"),
        level=5,
        keywords="报户口 上户口 落户",
    ),
    item_row(
        code="310000-YB-GG-0001",
        department="310000-YB",
        name="新生儿医保参保登记",
        name_en="Medical insurance enrolment of a newborn",
        topics=("birth",),
        level=5,
        kind="public_service",
    ),
    item_row(
        code="310000-RS-GG-0001",
        department="310000-RS",
        name="社会保障卡申领",
        name_en="Applying for a social security card",
        topics=("social-security",),
        level=3,
        kind="public_service",
        keywords="社保卡 办卡",
    ),
    item_row(
        code="310000-GA-XK-0002",
        department="310000-GA",
        name="普通护照签发",
        name_en="Passport issuance",
        level=2,
        kind="licensing",
        visits=2,
        keywords="办护照 出国",
    ),
    item_row(
        code="310000-SJ-XK-0001",
        department="310000-SJ",
        name="企业设立登记",
        name_en="Company establishment registration (business license)",
        audience="company",
        kind="licensing",
        topics=("business-start",),
        level=5,
        keywords="开公司 营业执照 办执照",
    ),
    item_row(
        code="310000-SJ-XK-0002",
        department="310000-SJ",
        name="食品经营许可",
        name_en="Food business licence",
        audience="company",
        kind="licensing",
        level=1,
        visits=2,
        topics=("business-start",),
    ),
]

EVENTS = [
    {
        "code": "newborn",
        "audience": "person",
        "stage": 1,
        "name": "新生儿出生一件事",
        "name_en": "Having a baby",
        "summary": "孩子出生后的几件事一次办。",
        "summary_en": "Everything after a birth, at once.",
        "outcome": "出生医学证明、户口、医保",
        "outcome_en": "Birth certificate, hukou, insurance",
        "keywords": "生孩子 宝宝出生",
        "steps": [
            {
                "item": "310000-WJ-QR-0001",
                "order": 1,
                "depends_on": [],
                "note": "医院出具",
                "note_en": "From the hospital",
            },
            {
                "item": "310000-GA-QR-0001",
                "order": 2,
                "depends_on": ["310000-WJ-QR-0001"],
                "note": "",
                "note_en": "",
            },
            {
                "item": "310000-YB-GG-0001",
                "order": 3,
                "depends_on": ["310000-GA-QR-0001"],
                "note": "",
                "note_en": "",
            },
        ],
    },
]

SYNONYMS = [{"term": "生孩子", "canonical": "出生"}, {"term": "开公司", "canonical": "企业设立"}]


@pytest.fixture
def catalog_departments(db: None) -> dict[str, Department]:
    root = make_department(code="310000", name="上海市人民政府", kind=DepartmentKind.CITY)
    departments = {"root": root}
    for code, name in (
        ("GA", "市公安局"),
        ("WJ", "市卫生健康委"),
        ("YB", "市医保局"),
        ("RS", "市人社局"),
        ("SJ", "市市场监管局"),
    ):
        departments[code] = make_department(code=f"310000-{code}", name=name, parent=root)
    return departments


@pytest.fixture
def catalog(catalog_departments: dict[str, Department]):  # type: ignore[no-untyped-def]
    search_index.forget()
    services.seed_topics(TOPICS)
    services.seed_items(rows=ITEMS, source="test")
    services.seed_life_events(EVENTS)
    services.seed_synonyms(SYNONYMS)
    yield catalog_departments
    search_index.forget()


def _load_demo_city_and_catalog() -> None:
    from onewindow.catalog.demo import load_demo_catalog
    from onewindow.identity.demo import load_demo_city

    load_demo_city()
    load_demo_catalog()


@pytest.fixture(scope="session")
def demo_catalog_snapshot(django_db_setup: None, django_db_blocker: Any) -> testing.Snapshot:
    # Loaded once per test process: some 3 s on PostgreSQL that each test would repeat.
    with django_db_blocker.unblock():
        return testing.capture(_load_demo_city_and_catalog)


@pytest.fixture
def demo_catalog(db: None, demo_catalog_snapshot: testing.Snapshot) -> Iterator[None]:
    """The demo's city and catalog (``make demo``'s), as the QA searches it. No item
    takes applications: the demo's cases bind them."""
    search_index.forget()
    testing.restore(demo_catalog_snapshot)
    yield
    search_index.forget()


@pytest.fixture
def newborn_process(catalog: dict[str, Department]) -> Any:
    """The demo's newborn process, whose lanes are the health commission, the police,
    medical insurance and social security, with the test event's fourth item (social
    security's, as in the demo) so that the process fits the event."""
    from onewindow.catalog.models import LifeEvent, LifeEventStep, ServiceItem
    from onewindow.workflow.models import ProcessDefinition
    from onewindow.workflow.tests.conftest import read_process

    event = LifeEvent.objects.get(code="newborn")
    social_security = LifeEventStep.objects.create(
        event=event, item=ServiceItem.objects.get(code="310000-RS-GG-0001"), order=4
    )
    social_security.depends_on.set([event.steps.get(order=3)])
    return ProcessDefinition.objects.create(
        key="newborn", version=1, name="新生儿出生一件事", bpmn_xml=read_process("newborn.bpmn")
    )


@pytest.fixture
def chinese() -> Iterator[None]:
    """The Chinese catalogue with the catalog's messages as proposed in ``chinese.py``,
    which the committed .po does not carry yet; everything is put back afterwards."""
    with proposed_chinese(PROPOSED_ZH):
        yield
