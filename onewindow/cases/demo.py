"""The demo's processes, bindings and cases, loaded through the real services.

Idempotent: processes are uploaded when their key is missing, forms when changed
(``forms.demo``), bindings are set again, and each demo case is submitted with a fixed
idempotency key, so a second run finds it and drives nothing.

Whatever ONEWINDOW_FILING_QUEUED says, each case's run starts in its submission: the
loader takes a new case's first steps at once, which a run left for a worker would not
have yet (and the clock cases are replayed at moments in the past).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone
from pypinyin import lazy_pinyin
from stdnum.cn import ric

from onewindow.cases import filing, services, starting
from onewindow.cases.models import Case
from onewindow.catalog import services as catalog_services
from onewindow.catalog.models import LifeEvent
from onewindow.forms import demo as forms_demo
from onewindow.forms import merge
from onewindow.forms import queries as forms_queries
from onewindow.identity.demo_data import credit_code, resident_id
from onewindow.identity.models import LegalPerson, User
from onewindow.workflow import queries as workflow_queries
from onewindow.workflow import services as workflow_services
from onewindow.workflow.models import ProcessDefinition, bundle_sha256

WORKFLOW_PROCESSES = Path(__file__).resolve().parent.parent / "workflow" / "processes"
FORMS = Path(__file__).resolve().parent / "demo_content"

# key → (name, BPMN file, DMN files)
PROCESSES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "single_department": ("单部门审批", "single_department.bpmn", ()),
    "parallel_three": ("三部门并联审批", "parallel_three.bpmn", ()),
    "dmn_routing": ("补贴申请（规则路由）", "dmn_routing.bpmn", ("routing.dmn",)),
    "company_start": ("企业开办一件事", "company_start.bpmn", ()),
    "newborn": ("新生儿出生一件事", "newborn.bpmn", ()),
    "birth_certificate": ("出生医学证明", "birth_certificate.bpmn", ()),
    "newborn_hukou": ("户口登记", "newborn_hukou.bpmn", ()),
    "newborn_insurance": ("医保参保登记", "newborn_insurance.bpmn", ()),
    "social_security_card": ("社保卡申领", "social_security_card.bpmn", ()),
}

# item code → (form key, process key). Lanes name the item's department (and, for the
# parallel and company processes, the co-departments); see the README of the processes.
BINDINGS: dict[str, tuple[str, str]] = {
    "310000-GA-XK-0001": ("passport", "single_department"),  # 普通护照签发
    "310000-MZ-QR-0004": ("adoption_registration", "parallel_three"),  # 收养登记
    "310101-MZ-GF-0002": ("temporary_assistance", "dmn_routing"),  # 临时救助
    "310000-SJ-XK-0001": ("company_registration", "company_start"),  # 企业设立登记
    # The newborn event's items, each as applied for on its own: one department's step.
    "310000-WJ-QR-0001": ("birth_certificate", "birth_certificate"),
    "310000-GA-QR-0001": ("newborn_hukou", "newborn_hukou"),
    "310000-YB-GG-0001": ("newborn_insurance", "newborn_insurance"),
    "310000-RS-GG-0001": ("social_security_card", "social_security_card"),
}

# life event code → process key: the event's items in one run, in the event's order.
EVENT_PROCESSES: dict[str, str] = {
    "newborn": "newborn",  # 新生儿出生一件事: 卫健 → 公安 → 医保 → 人社
}


def load_processes() -> dict[str, ProcessDefinition]:
    """Upload each demo process whose files differ from its latest version (new cases
    then start on the new version; running ones keep theirs)."""
    loaded = {}
    for key, (name, bpmn, dmn) in PROCESSES.items():
        bpmn_xml = (WORKFLOW_PROCESSES / bpmn).read_text(encoding="utf-8")
        dmn_files = {f: (WORKFLOW_PROCESSES / f).read_text(encoding="utf-8") for f in dmn}
        latest = ProcessDefinition.objects.filter(key=key).order_by("-version").first()
        if latest is not None and latest.sha256 == bundle_sha256(bpmn_xml, dmn_files):
            loaded[key] = latest
            continue
        loaded[key] = workflow_services.upload_definition(
            actor=None, key=key, name=name, bpmn_xml=bpmn_xml, dmn_files=dmn_files
        )
    return loaded


def load_forms() -> None:
    """The platform's demo forms, and the two this app's demo items need."""
    forms_demo.load_demo_forms()
    forms_demo.load_definition_files(sorted(FORMS.glob("*.json")))


def bind_items(processes: Mapping[str, ProcessDefinition]) -> None:
    """Bind the items to their forms and processes, and the life events that the
    database holds to theirs."""
    for code, (form_key, process_key) in BINDINGS.items():
        catalog_services.bind_application(
            actor=None,
            code=code,
            form=forms_queries.latest_definition(form_key),
            process=processes[process_key],
        )
    for event, process_key in EVENT_PROCESSES.items():
        if LifeEvent.objects.filter(code=event).exists():
            catalog_services.bind_event_process(code=event, process=processes[process_key])


# Small real files for the demo's required materials (the demo's applicants "scan" these).
SAMPLE_FILES = {
    "pdf": (
        "demo.pdf",
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        b"trailer\n<< /Root 1 0 R >>\n%%EOF\n",
    ),
    "png": (
        "demo.png",
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a7e3b5a6"
            "0000000049454e44ae426082"
        ),
    ),
}


def sample_attachments(applicant: Any, definition: Any) -> dict[str, int]:
    """Upload a small real file for every required material slot of the form, through
    the same checks as an applicant's upload; returns ``{slot: attachment id}``."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from onewindow.forms.attachments import store_attachment

    chosen: dict[str, int] = {}
    for slot in definition.attachments:
        if not slot.get("required"):
            continue
        kind = next((t for t in ("pdf", "png") if t in slot.get("types", ["pdf"])), "pdf")
        name, content = SAMPLE_FILES[kind]
        attachment = store_attachment(
            owner=applicant,
            definition=definition,
            slot=slot["key"],
            upload=SimpleUploadedFile(name, content),
        )
        chosen[slot["key"]] = attachment.pk
    return chosen


# --- answers a real applicant would give ------------------------------------------


@dataclass(frozen=True)
class _Person:
    name: str
    id_number: str
    phone: str

    @property
    def born(self) -> date:
        """From the identity number (a number that does not parse: a 1990 birthday)."""
        if ric.is_valid(self.id_number):
            return ric.get_birth_date(self.id_number)
        return date(1990, 3, 15)

    @property
    def male(self) -> bool:
        """GB 11643: an odd 17th digit."""
        return not ric.is_valid(self.id_number) or int(self.id_number[16]) % 2 == 1

    def age(self, on: date) -> int:
        born = self.born
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


# Each applicant's spouse, by the applicant's sex: the other parent of a newborn and
# the emergency contact of a passport application.
SPOUSES = {
    True: _Person("张丽华", resident_id("310101", date(1991, 8, 6), 426), "13817300188"),
    False: _Person("刘建国", resident_id("310104", date(1989, 5, 23), 157), "13817300166"),
}
# Where the demo's people live, by the district their identity number names (its
# first six digits); anyone else lives in Huangpu.
HOMES = {
    "310101": "上海市黄浦区福州路318弄5号402室",
    "310104": "上海市徐汇区漕溪北路88弄12号1203室",
    "310105": "上海市长宁区愚园路1107弄3号201室",
    "310115": "上海市浦东新区张江路665弄3号501室",
}
LAST_EMPLOYER = ("上海申江商贸有限公司", credit_code("91", "310101", "MA1G7Q3B"))


def _pinyin(name: str) -> str:
    """A name as a passport spells it: Hanyu Pinyin in capitals, the surname (the first
    character: the demo's names have one-character surnames) then the given name."""
    syllables = [syllable.upper() for syllable in lazy_pinyin(name)]
    return f"{syllables[0]} {''.join(syllables[1:])}".strip() if syllables else ""


def _plausible(
    key: str,
    applicant: _Person,
    *,
    company_name: str,
    legal_representative: str,
) -> dict[str, Any]:
    """Answers by field name that agree with each other and with the applicant's
    identity number: their birth date, sex, age and home; a newborn twelve days old
    to them and their spouse; a company's own name and legal representative."""
    today = timezone.localdate()
    spouse = SPOUSES[applicant.male]
    mother, father = (spouse, applicant) if applicant.male else (applicant, spouse)
    home = HOMES.get(applicant.id_number[:6], HOMES["310101"])
    child = (
        # An adoption: a child of six, not a newborn.
        ("林思雨", today.replace(year=today.year - 6, month=4, day=8))
        if key == "adoption_registration"
        else (f"{father.name[:1]}一诺", today - timedelta(days=12))
    )
    representative = applicant
    if legal_representative and legal_representative != applicant.name:
        representative = _Person(
            legal_representative, resident_id("310101", date(1968, 9, 3), 131), "13817300199"
        )
    return {
        "name_pinyin": _pinyin(applicant.name),
        "applicant_sex": "male" if applicant.male else "female",
        "applicant_birth_date": applicant.born.isoformat(),
        "applicant_age": applicant.age(today),
        "applicant_address": home,
        "emergency_contact_name": spouse.name,
        "emergency_contact_phone": spouse.phone,
        "relation": "father" if applicant.male else "mother",
        "child_name": child[0],
        "child_sex": "female",
        "child_birth_date": child[1].isoformat(),
        "birth_hospital": "上海市第一妇婴保健院",
        "birth_weight_g": 3250,
        "mother_name": mother.name,
        "mother_id_number": mother.id_number,
        "father_name": father.name,
        "father_id_number": father.id_number,
        "ethnicity": "汉族",
        "hukou_address": home,
        "household_head_name": applicant.name,
        "relation_to_head": "daughter",
        "insurance_district": applicant.id_number[:6],
        "hardship": "家人突发重病住院，医疗费用支出较大，家庭生活暂时困难。",
        "company_name": company_name or "上海示例信息科技有限公司",
        "registered_capital": 100,
        "registered_address": "上海市浦东新区祖冲之路2288弄2号楼301室",
        "business_scope": "软件开发；信息技术咨询服务；数据处理和存储支持服务。",
        "legal_rep_name": representative.name,
        "legal_rep_id_number": representative.id_number,
        "legal_rep_phone": representative.phone,
        # The free first seal, which 公安 files beside the other registrations: the
        # demo's company case gives 310000-GA's inbox its step (公章刻制备案).
        "need_seal": True,
        "last_employer": LAST_EMPLOYER[0],
        "last_employer_uscc": LAST_EMPLOYER[1],
        "separation_date": (today - timedelta(days=30)).isoformat(),
        "contribution_years": max(1, min(applicant.age(today) - 22, 50)),
    }


def sample_answers(
    definition: Any,
    *,
    id_number: str,
    phone: str = "13916200101",
    uscc: str = "",
    full_name: str = "王小明",
    company_name: str = "",
    legal_representative: str = "",
) -> dict[str, Any]:
    """Answers that pass a definition's (or merged form's) schema, for demo and tests:
    plausible ones for the demo forms' questions (``_plausible``), else the first
    choice or a short sample of the right kind."""
    known = _plausible(
        getattr(definition, "key", ""),
        _Person(full_name, id_number, phone),
        company_name=company_name,
        legal_representative=legal_representative,
    )
    answers: dict[str, Any] = {}
    for name, prop in definition.schema["properties"].items():
        kind, fmt = prop.get("type"), prop.get("format")
        base = name.rsplit(merge.SEPARATOR, 1)[-1]  # a merged form's "<form key>__<field>"
        if base in known and known[base] in prop.get("enum", [known[base]]):
            value: Any = known[base]
        elif "enum" in prop:
            value = prop["enum"][0]
        elif kind == "array":
            value = prop["items"].get("enum", ["x"])[:1]
        elif kind == "boolean":
            value = True
        elif kind in ("integer", "number"):
            low, high = prop.get("minimum", 1), prop.get("maximum", 10_000)
            value = max(low, min(high, 30 if name.endswith("age") else 3000))
        elif fmt == "cn-id":
            value = id_number
        elif fmt == "cn-uscc":
            value = uscc
        elif fmt == "date":
            value = (timezone.localdate() - timedelta(days=30)).isoformat()
        elif fmt == "email":
            value = "demo@example.invalid"
        elif prop.get("pattern") == "^1[3-9][0-9]{9}$":
            value = phone
        elif prop.get("pattern", "").startswith("^[0-9]"):
            value = "6222020200112233445"
        elif prop.get("pattern"):
            value = _pinyin(full_name)
        elif name.endswith("name") and "company" not in name:
            value = full_name
        else:
            sample = "演示申请，情况属实。"
            value = sample[: max(prop.get("minLength", 0), min(prop.get("maxLength", 50), 10))]
        answers[name] = value
    return answers


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _task(case: Case, bpmn_id: str) -> int:
    """The open task of the case's run with this BPMN id."""
    assert case.instance is not None
    tasks = workflow_queries.tasks_of_instance(case.instance).filter(
        bpmn_id=bpmn_id, status__in=["ready", "claimed"]
    )
    return tasks.get().pk


def _drive(case: Case, steps: list[tuple[str, str, str, str]]) -> None:
    """Each step: (BPMN id, officer, outcome, comment); the officer claims, then decides."""
    for bpmn_id, username, outcome, comment in steps:
        officer = _user(username)
        if officer is None:
            return
        task_id = _task(case, bpmn_id)
        workflow_services.claim_task(actor=officer, task_id=task_id)
        services.decide_task(
            actor=officer,
            task_id=task_id,
            outcome=outcome,
            comment=comment,
            note_for_applicant=NOTES_FOR_APPLICANT.get(outcome, ""),
        )


# What the applicant is told to do next, beside the officer's reason (not the reason again).
NOTES_FOR_APPLICANT = {
    "not_accepted": "请按出入境证件相片标准重新拍摄照片后再次提交申请。",
    # The remedies (行政复议, 行政诉讼) come with every refusal's notice already.
    "reject": "如条件发生变化（如取得相关证明材料），可重新提出申请。",
}
ACCEPT = ("Task_accept", "ga.window", "accept", "材料齐全，予以受理")
APPROVE = ("Task_review", "ga.review", "approve", "符合条件，准予签发")

# (key, applicant, service, steps)
DEMO_CASES: list[tuple[str, str, str, list[tuple[str, str, str, str]]]] = [
    ("demo-passport-submitted", "citizen.wang", "310000-GA-XK-0001", []),
    ("demo-passport-in-review", "citizen.wang", "310000-GA-XK-0001", [ACCEPT]),
    ("demo-passport-approved", "citizen.chen", "310000-GA-XK-0001", [ACCEPT, APPROVE]),
    (
        "demo-passport-rejected",
        "citizen.chen",
        "310000-GA-XK-0001",
        [
            ACCEPT,
            ("Task_review", "ga.review", "reject", "《护照法》第十三条：申请人未满足签发条件"),
        ],
    ),
    (
        "demo-passport-not-accepted",
        "citizen.wang",
        "310000-GA-XK-0001",
        [("Task_accept", "ga.window", "not_accepted", "照片不符合出入境证件相片标准")],
    ),
    (
        # Left with 税务, 公积金 and (the seal asked for) 公安 still to do.
        "demo-company-parallel",
        "agent.li",
        "310000-SJ-XK-0001",
        [
            ("Task_accept", "sj.window", "accept", "材料齐全，予以受理"),
            ("Task_license", "sj.review", "approve", "准予设立登记"),
            ("Task_social", "rs.window", "complete", "已办理单位社保登记"),
        ],
    ),
    ("demo-newborn", "citizen.wang", "newborn", []),
    ("demo-adoption", "citizen.chen", "310000-MZ-QR-0004", []),
    ("demo-assistance", "citizen.wang", "310101-MZ-GF-0002", []),
]


def file_demo_case(
    key: str, applicant: User, service: str, *, queued: bool = False
) -> tuple[Case, bool]:
    """Submit one demo case with plausible answers and sample files, as its applicant
    would; whether it is new (else the case its key filed before). Its run starts in the
    submission unless ``queued`` (see the module's docstring)."""
    from onewindow.cases import queries

    company = LegalPerson.objects.filter(agents=applicant).first()
    form = queries.application_form(service)
    data = sample_answers(
        form,
        id_number=applicant.id_number or "",
        phone=applicant.phone or "13916200101",
        uscc=company.uscc if company else "",
        full_name=applicant.full_name,
        company_name=company.name if company else "",
        legal_representative=company.legal_representative if company else "",
    )
    data["attachments"] = sample_attachments(applicant, form)
    case, filed = filing.submit_case(
        applicant=applicant,
        service=service,
        data=data,
        idempotency_key=key,
        company=company.uscc if company and service.startswith("310000-SJ") else "",
        queued=queued,
    )
    return case, filed is not None


def load_demo_cases() -> int:
    """Processes, bindings and demo cases; returns how many cases were added."""
    processes = load_processes()
    load_forms()
    bind_items(processes)
    created = 0
    for key, username, service, steps in DEMO_CASES:
        applicant = _user(username)
        if applicant is None:
            continue
        loaded = Case.objects.filter(applicant=applicant, idempotency_key=key).first()
        if loaded is not None:
            # Loaded before: nothing to build, no files to upload again. Still queued, it
            # was left by a loader that stopped at its first step (before the runs were
            # started here): its run is started and its steps are taken now.
            if loaded.run_queued and starting.start_queued_run(loaded.pk):
                loaded.refresh_from_db()
                _drive(loaded, steps)
            continue
        case, new = file_demo_case(key, applicant, service)
        if new:
            created += 1
            _drive(case, steps)
    from onewindow.cases.demo_clocks import load_demo_clock_cases

    return created + load_demo_clock_cases()
