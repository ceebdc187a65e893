import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openapi_spec_validator import validate

from onewindow.api import PYDANTIC_MESSAGES
from onewindow.cases import supplements
from onewindow.cases.choices import CaseStatus
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import (
    ADOPTION,
    ASSISTANCE,
    COMPANY,
    PASSPORT,
    answers,
    open_task,
    submit,
)
from onewindow.conftest import PASSWORD, make_user, otp_for
from onewindow.forms.models import Attachment
from onewindow.forms.tests.files import PDF, PNG
from onewindow.identity import demo_data
from onewindow.identity.demo_data import DEMO_PASSWORD
from onewindow.identity.models import Department, LegalPerson, User
from onewindow.identity.permissions import is_officer
from onewindow.identity.roles import Role
from onewindow.workflow import services as workflow_services

pytestmark = pytest.mark.single_pass


def token_for(client, user: User) -> str:
    demo = any(u.username == user.username for u in demo_data.USERS)
    body = {"username": user.username, "password": DEMO_PASSWORD if demo else PASSWORD}
    if is_officer(user):
        body["otp"] = otp_for(user)
    response = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


@pytest.fixture
def as_user(client):
    tokens: dict[int, str] = {}

    def headers(user: User) -> dict[str, str]:
        if user.pk not in tokens:
            tokens[user.pk] = token_for(client, user)
        return {"HTTP_AUTHORIZATION": f"Bearer {tokens[user.pk]}"}

    return headers


@pytest.fixture
def officer(world):
    def make(code: str, role: str = Role.REVIEWING_OFFICER) -> User:
        return make_user(roles=[(role, Department.objects.get(code=code))], with_totp=True)

    return make


def post(client, url, user_headers, body=None, **extra):
    return client.post(url, body or {}, content_type="application/json", **user_headers, **extra)


def api_drive(client, as_user, number: str, steps) -> dict:
    """Each step: the officer finds the task in their inbox, claims and completes it."""
    detail: dict = {}
    for name, user, outcome in steps:
        inbox = client.get("/api/v1/tasks", **as_user(user)).json()
        task = next(t for t in inbox if t["case"] == number and t["name"] == name)
        claimed = post(client, f"/api/v1/tasks/{task['id']}/claim", as_user(user))
        assert claimed.status_code == 200, claimed.content
        response = post(
            client,
            f"/api/v1/tasks/{task['id']}/complete",
            as_user(user),
            {"outcome": outcome, "comment": "审核意见"},
        )
        assert response.status_code == 200, response.content
        detail = response.json()
    return detail


def test_schema_lists_the_cases_api(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    validate(schema)
    for path in (
        "/api/v1/cases",
        "/api/v1/cases/{number}",
        "/api/v1/cases/attachments",
        "/api/v1/tasks",
        "/api/v1/tasks/{task_id}/complete",
    ):
        assert path in schema["paths"]
    # The paged lists say so: their parameters, and the total's header.
    for path in ("/api/v1/cases", "/api/v1/tasks"):
        listing = schema["paths"][path]["get"]
        assert {"limit", "offset"} <= {p["name"] for p in listing["parameters"]}
        assert "X-Total-Count" in listing["responses"]["200"]["headers"]


def flows(world, officer):
    mz_window = officer("310000-MZ", Role.WINDOW_OFFICER)
    return {
        PASSPORT: (
            world["citizen.wang"],
            {},
            [("窗口受理", world["ga.window"], "accept"), ("审核", world["ga.review"], "approve")],
            CaseStatus.APPROVED,
        ),
        ADOPTION: (
            world["citizen.chen"],
            {},
            [
                ("窗口受理", mz_window, "accept"),
                ("公安审核", world["ga.review"], "approve"),
                ("卫健审核", officer("310000-WJ"), "approve"),
                ("医保审核", world["rs.review"], "approve"),
                ("办结", mz_window, "complete"),
            ],
            CaseStatus.COMPLETED,
        ),
        ASSISTANCE: (  # the district's benefit: 黄浦区民政局 decides, the city's 财政局 reviews
            world["citizen.wang"],
            {"amount": 90000},
            [
                ("窗口受理", officer("310101-MZ", Role.WINDOW_OFFICER), "accept"),
                ("民政审核", officer("310101-MZ"), "approve"),
                ("财政复核", officer("310000-CZ"), "approve"),
            ],
            CaseStatus.APPROVED,
        ),
        COMPANY: (  # with the free seal: 公安 files it beside the other three
            world["agent.li"],
            {"need_seal": True},
            [
                ("市场监管受理", world["sj.window"], "accept"),
                ("营业执照核准", world["sj.review"], "approve"),
                ("税务登记", officer("310000-SW"), "complete"),
                ("社保登记", world["rs.window"], "complete"),
                ("公积金开户", officer("310000-GJJ"), "complete"),
                ("公章刻制备案", world["ga.window"], "complete"),
            ],
            CaseStatus.COMPLETED,
        ),
        "newborn": (
            world["citizen.wang"],
            {},
            [
                ("出生医学证明", officer("310000-WJ"), "complete"),
                ("户口登记", world["ga.window"], "complete"),
                ("医保参保登记", world["rs.review"], "complete"),
                ("社保卡申领", world["rs.window"], "complete"),
            ],
            CaseStatus.COMPLETED,
        ),
    }


@pytest.fixture(params=["inline", "queued"])
def filing_mode(request, settings) -> str:
    """Runs started in the submission, or in a worker after commit (ADR 0021)."""
    settings.FILING_QUEUED = request.param == "queued"
    return request.param


@pytest.mark.parametrize("service", [PASSPORT, ADOPTION, ASSISTANCE, COMPANY, "newborn"])
def test_each_demo_process_end_to_end(
    client, world, officer, as_user, service, filing_mode, django_capture_on_commit_callbacks
):
    applicant, changes, steps, final = flows(world, officer)[service]
    body = {"service": service, "data": answers(applicant, service, **changes)}
    if service == COMPANY:
        body["company"] = LegalPerson.objects.get(agents=applicant).uscc
    # Queued, the run starts after commit (worker tasks run inline in the tests).
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, "/api/v1/cases", as_user(applicant), body)
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    assert response.json()["status"] == CaseStatus.SUBMITTED
    api_drive(client, as_user, number, steps)
    case = client.get(f"/api/v1/cases/{number}", **as_user(applicant)).json()
    assert case["status"] == final
    decided = [(e["step"], e["outcome"]) for e in case["timeline"][1:]]
    assert decided == [(name, outcome) for name, _user, outcome in steps]
    assert all(e["department"] and e["at"] for e in case["timeline"])
    # Who made each: the applicant filed it, officers of the steps' roles decided.
    assert case["timeline"][0]["role"] == "applicant"
    # Named as the steps are: Chinese, and English beside it, whatever the caller reads.
    first = case["timeline"][0]
    assert (first["step"], first["step_en"]) == ("提交申请", "Application submitted")
    assert [
        (e["step"], e["role"]) for e in case["timeline"][1:] if e["role"] in {"", "applicant"}
    ] == []
    if service == "newborn":
        assert len(case["children"]) == 4
        assert {c["status"] for c in case["children"]} == {CaseStatus.COMPLETED}
    mine = client.get("/api/v1/cases", **as_user(applicant)).json()
    assert [c["number"] for c in mine] == [number]


@pytest.mark.parametrize("service", [PASSPORT, ADOPTION, ASSISTANCE, COMPANY, "newborn"])
def test_a_submission_answers_the_case_as_reading_it_does(
    client, world, officer, as_user, service, filing_mode
):
    # The answer is built from what the submission wrote, not read back (queued: before
    # the worker has started the run, since the commit's callbacks do not run here).
    applicant = flows(world, officer)[service][0]
    body = {"service": service, "data": answers(applicant, service)}
    if service == COMPANY:
        body["company"] = LegalPerson.objects.get(agents=applicant).uscc
    filed = post(client, "/api/v1/cases", as_user(applicant), body)
    assert filed.status_code == 201, filed.content
    number = filed.json()["number"]
    read = client.get(f"/api/v1/cases/{number}", **as_user(applicant))
    assert filed.json() == read.json()
    assert filed.json()["timeline"][0]["outcome"] == "submitted"


def test_idempotency_key_returns_the_same_case(client, world, as_user):
    user = world["citizen.wang"]
    body = {"service": PASSPORT, "data": answers(user, PASSPORT)}
    first = post(client, "/api/v1/cases", as_user(user), body, HTTP_IDEMPOTENCY_KEY="abc")
    again = post(client, "/api/v1/cases", as_user(user), body, HTTP_IDEMPOTENCY_KEY="abc")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    assert Case.objects.count() == 1


def test_an_idempotency_key_reused_for_another_application_is_refused(client, world, as_user):
    user = world["citizen.wang"]
    data = answers(user, PASSPORT)
    body = {"service": PASSPORT, "data": data}
    first = post(client, "/api/v1/cases", as_user(user), body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    changed = {"service": PASSPORT, "data": {**data, "travel_purpose": "study"}}
    for other in (changed, {"service": ADOPTION, "data": {}}):
        refused = post(
            client,
            "/api/v1/cases",
            as_user(user),
            other,
            HTTP_IDEMPOTENCY_KEY="k-1",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert refused.status_code == 422
        assert refused.json()["code"] == "idempotency_key_reused"
        assert refused.json()["fields"] == {
            "idempotency_key": [
                "This idempotency key was used for a different application. Send a new key "
                "with a new application."
            ]
        }
    # A key too long to store whole is refused, not cut to name another application.
    long = post(client, "/api/v1/cases", as_user(user), body, HTTP_IDEMPOTENCY_KEY="k" * 101)
    # The schema says how long a key may be, and the refusal follows it.
    assert (long.status_code, list(long.json()["fields"])) == (422, ["Idempotency-Key"])
    assert Case.objects.count() == 1


def test_invalid_answers_are_422_with_fields_and_save_nothing(client, world, as_user):
    user = world["citizen.wang"]
    data = answers(user, PASSPORT, applicant_phone="12")
    del data["applicant_name"]
    response = post(client, "/api/v1/cases", as_user(user), {"service": PASSPORT, "data": data})
    assert response.status_code == 422
    assert {"applicant_phone", "applicant_name"} <= set(response.json()["fields"])
    assert not Case.objects.exists()


def test_a_company_is_a_known_one_the_caller_represents(client, world, as_user):
    agent, citizen = world["agent.li"], world["citizen.wang"]
    body = {"service": COMPANY, "data": answers(agent, COMPANY), "company": "9" * 18}
    unknown = post(client, "/api/v1/cases", as_user(agent), body, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert unknown.status_code == 422
    assert unknown.json()["fields"] == {"company": ["没有这家企业。"]}
    uscc = LegalPerson.objects.get(agents=agent).uscc
    theirs = post(client, "/api/v1/cases", as_user(citizen), {**body, "company": uscc})
    assert theirs.status_code == 403
    assert not Case.objects.exists()


def test_a_passport_is_applied_for_by_its_holder_only(client, world, as_user):
    """Anyone could apply under another person's identity number (QA)."""
    wang, chen = world["citizen.wang"], world["citizen.chen"]
    data = answers(wang, PASSPORT)  # wang's answers, sent by chen
    response = post(client, "/api/v1/cases", as_user(chen), {"service": PASSPORT, "data": data})
    assert response.status_code == 422
    fields = response.json()["fields"]
    # In chen's own language, English: the request named none.
    assert fields["applicant_id_number"] == [
        "Enter your own identity number, as registered with your account."
    ]
    assert "attachments.photo" in fields  # and wang's photo is not chen's to send
    assert not Case.objects.exists()


def test_a_company_is_named_for_a_service_for_legal_persons_only(client, world, as_user):
    """An agent filed a passport for their company (QA); the company's cases did not say
    which company they were for."""
    agent = world["agent.li"]
    uscc = LegalPerson.objects.get(agents=agent).uscc
    passport = {"service": PASSPORT, "data": answers(agent, PASSPORT), "company": uscc}
    refused = post(client, "/api/v1/cases", as_user(agent), passport)
    assert refused.status_code == 422
    assert refused.json()["code"] == "company_not_applicable"
    assert refused.json()["fields"] == {"company": ["本事项面向个人，请以本人身份申请。"]}
    assert not Case.objects.exists()
    body = {"service": COMPANY, "data": answers(agent, COMPANY), "company": uscc}
    filed = post(client, "/api/v1/cases", as_user(agent), body)
    assert filed.status_code == 201 and filed.json()["company"] == uscc
    assert filed["Location"] == f"/api/v1/cases/{filed.json()['number']}"
    listed = client.get("/api/v1/cases", **as_user(agent)).json()
    assert [c["company"] for c in listed] == [uscc]
    del passport["company"]
    own = post(client, "/api/v1/cases", as_user(agent), passport)
    assert own.status_code == 201 and own.json()["company"] == ""


def test_answers_and_files_are_refused_in_one_round(client, world, as_user):
    """The files' problems came only once the answers were right: two rounds (QA)."""
    user = world["citizen.wang"]
    data = answers(user, PASSPORT, attach=False, applicant_phone="12")
    response = post(client, "/api/v1/cases", as_user(user), {"service": PASSPORT, "data": data})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_answers"
    assert {"applicant_phone", "attachments.photo"} <= set(body["fields"])
    assert not Case.objects.exists()


def test_a_required_material_missing_is_422_and_saves_nothing(client, world, as_user):
    user = world["citizen.wang"]
    data = answers(user, PASSPORT, attach=False)
    response = post(client, "/api/v1/cases", as_user(user), {"service": PASSPORT, "data": data})
    assert response.status_code == 422
    missing = [f for f in response.json()["fields"] if f.startswith("attachments.")]
    assert missing, response.json()
    assert not Case.objects.exists()


@pytest.mark.parametrize("comment", [None, "   ", "\u200b", "\u200b\u2060 "])
def test_rejection_needs_a_reason(client, world, as_user, comment):
    """A reason that shows nothing, as a zero-width space, is none (one was taken)."""
    case = submit(world["citizen.wang"], PASSPORT)
    task = open_task(case, "Task_accept")
    body = {"outcome": "not_accepted"} | ({} if comment is None else {"comment": comment})
    response = post(client, f"/api/v1/tasks/{task.pk}/complete", as_user(world["ga.window"]), body)
    assert response.status_code == 422
    assert "comment" in response.json()["fields"]
    task.refresh_from_db()
    assert task.status == "ready"


def test_an_outcome_the_step_does_not_offer_is_a_field_error_naming_the_codes(
    client, world, as_user
):
    task = open_task(submit(world["citizen.wang"], PASSPORT), "Task_accept")
    url = f"/api/v1/tasks/{task.pk}/complete"
    headers = {**as_user(world["ga.window"]), "HTTP_ACCEPT_LANGUAGE": "en"}
    response = post(client, url, headers, {"outcome": "approve", "comment": "ok"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "outcome_not_offered"
    assert "accept, not_accepted" in body["message"]  # the codes a client sends
    assert body["fields"] == {
        "outcome": ["Choose one of this step's outcomes: Accept, Not accepted."]
    }
    # No outcome at all: the schema's enum refuses it, naming every code there is.
    missing = post(client, url, headers, {"outcome": ""})
    assert missing.status_code == 422
    assert missing.json()["fields"] == {
        "outcome": ["Choose one of: accept, not_accepted, approve, reject, complete."]
    }


def test_inbox_filters_by_service_and_status(client, world, as_user):
    submit(world["citizen.wang"], PASSPORT)
    submit(world["citizen.wang"], "newborn")  # its first task is 卫健's, not 公安's
    headers = as_user(world["ga.window"])
    assert len(client.get("/api/v1/tasks", **headers).json()) == 1
    assert len(client.get(f"/api/v1/tasks?service={PASSPORT}", **headers).json()) == 1
    assert client.get("/api/v1/tasks?service=310000-SJ-XK-0001", **headers).json() == []
    assert client.get("/api/v1/tasks?status=approved", **headers).json() == []
    task = client.get("/api/v1/tasks?status=submitted", **headers).json()[0]
    assert task["service"] == PASSPORT and task["case_status"] == "submitted"
    post(client, f"/api/v1/tasks/{task['id']}/claim", headers)
    released = post(client, f"/api/v1/tasks/{task['id']}/release", headers)
    assert released.status_code == 200 and released.json()["status"] == "ready"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_inbox_refuses_filters_it_does_not_know(client, world, as_user, language):
    submit(world["citizen.wang"], PASSPORT)
    headers = {**as_user(world["ga.window"]), "HTTP_ACCEPT_LANGUAGE": language}
    response = client.get("/api/v1/tasks?status=bogus&deadline=bogus", **headers)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    with translation.override(language):
        choose = PYDANTIC_MESSAGES["enum"]
        assert body == {
            "code": "invalid",
            "message": str(translation.gettext_lazy("Some fields are missing or invalid.")),
            "fields": {
                "status": [str(choose % {"expected": ", ".join(CaseStatus.values)})],
                "deadline": [str(choose % {"expected": "overdue, due_soon, on_track, supplement"})],
            },
        }
    # Empty, as a form sends a filter left alone, is no filter.
    assert len(client.get("/api/v1/tasks?status=&deadline=", **headers).json()) == 1
    # A service the catalog never had (it answered an empty list).
    unknown = client.get("/api/v1/tasks?service=NOPE", **headers)
    assert unknown.status_code == 422
    with translation.override(language):
        assert unknown.json()["fields"] == {"service": [translation.gettext("No such service.")]}


def test_an_outcome_no_step_has_is_refused_by_the_schema(client, world, as_user):
    task = open_task(submit(world["citizen.wang"], PASSPORT), "Task_accept")
    headers = {**as_user(world["ga.window"]), "HTTP_ACCEPT_LANGUAGE": "en"}
    url = f"/api/v1/tasks/{task.pk}/complete"
    response = post(client, url, headers, {"outcome": "maybe"})
    assert response.status_code == 422
    assert response.json()["fields"] == {
        "outcome": ["Choose one of: accept, not_accepted, approve, reject, complete."]
    }
    assert post(client, url, headers, {"comment": "ok"}).json()["fields"] == {
        "outcome": ["This field is required."]
    }


# who → (GET case, claim, complete) on a company case awaiting 市场监管's acceptance.
MATRIX = {
    "applicant": (200, 404, 404),
    "other_applicant": (404, 404, 404),
    "company_agent": (200, 404, 404),
    "lane_officer": (200, 200, 200),
    "other_officer": (404, 404, 404),
    # The lane department's admin configures it; its applicants' files are not their work.
    "department_admin": (404, 403, 403),
    "platform_admin": (200, 403, 403),
}


@pytest.fixture
def matrix_users(world) -> dict[str, User]:
    """The matrices' rows: who each is to a company case of agent.li's awaiting 市场监管's
    (310000-SJ) acceptance."""
    agent = world["agent.li"]
    colleague = make_user(username="agent.zhao")
    LegalPerson.objects.get(agents=agent).agents.add(colleague)
    lane = Department.objects.get(code="310000-SJ")
    return {
        "applicant": agent,
        "other_applicant": world["citizen.chen"],
        "company_agent": colleague,
        "lane_officer": world["sj.window"],
        "other_officer": world["ga.window"],
        "department_admin": make_user(roles=[(Role.DEPARTMENT_ADMIN, lane)], with_totp=True),
        "platform_admin": world["admin"],
    }


@pytest.mark.parametrize("who", list(MATRIX))
def test_authorization_matrix(client, world, as_user, matrix_users, who):
    case = submit(world["agent.li"], COMPANY)
    headers = as_user(matrix_users[who])
    task = open_task(case, "Task_accept")
    got = (
        client.get(f"/api/v1/cases/{case.number}", **headers).status_code,
        post(client, f"/api/v1/tasks/{task.pk}/claim", headers).status_code,
        post(
            client,
            f"/api/v1/tasks/{task.pk}/complete",
            headers,
            {"outcome": "accept", "comment": "ok"},
        ).status_code,
    )
    assert got == MATRIX[who]


# who → (sees the task in GET /tasks, releases it when another officer of the lane holds
# it, uploads a file the case's supplement request asks for) on the same company case:
# the rest of "every case and task endpoint" beside MATRIX's three.
MORE_ENDPOINTS = {
    "applicant": (False, 404, 201),
    "other_applicant": (False, 404, 404),
    "company_agent": (False, 404, 201),
    # Its own claims only; whose a claim is, is a state of the task the officer sees.
    "lane_officer": (True, 403, 404),
    "other_officer": (False, 404, 404),
    # Frees a task left by someone away (workflow.permissions.can_release); lists none.
    "department_admin": (False, 200, 404),
    "platform_admin": (False, 403, 404),
}


@pytest.mark.parametrize("who", list(MORE_ENDPOINTS))
def test_authorization_matrix_of_the_other_case_and_task_endpoints(
    client, world, as_user, matrix_users, who
):
    agent, lane = world["agent.li"], Department.objects.get(code="310000-SJ")
    headers = as_user(matrix_users[who])
    listed_case, held_case, asked_case = (submit(agent, COMPANY) for _ in range(3))
    listed = open_task(listed_case, "Task_accept")
    held = open_task(held_case, "Task_accept")
    holder = make_user(roles=[(Role.WINDOW_OFFICER, lane)], with_totp=True)
    workflow_services.claim_task(actor=holder, task_id=held.pk)
    asking = open_task(asked_case, "Task_accept")
    workflow_services.claim_task(actor=world["sj.window"], task_id=asking.pk)
    supplements.request_supplement(
        actor=world["sj.window"],
        task_id=asking.pk,
        items=[{"slot": "articles", "reason": "缺少签字页"}],
    )
    inbox = client.get("/api/v1/tasks", **headers)
    got = (
        inbox.status_code == 200 and listed.pk in {task["id"] for task in inbox.json()},
        (released := post(client, f"/api/v1/tasks/{held.pk}/release", headers)).status_code,
        client.post(
            f"/api/v1/cases/{asked_case.number}/supplement/attachments",
            {"slot": "articles", "file": SimpleUploadedFile("articles.pdf", PDF)},
            **headers,
        ).status_code,
    )
    assert got == MORE_ENDPOINTS[who]
    if got[1] == 403:
        assert released.json()["message"] == (
            "只有签收该任务的工作人员或其所在部门的管理员才能取消签收。"
        )
    # Only a success changed anything.
    held.refresh_from_db()
    assert (held.claimed_by_id == holder.pk) == (got[1] != 200)
    stored = Attachment.objects.filter(original_name="articles.pdf").exists()
    assert stored == (got[2] == 201)


def test_attachments_upload_reference_and_officer_reads(client, world, as_user):
    user = world["citizen.wang"]
    upload = client.post(
        "/api/v1/cases/attachments",
        {"service": PASSPORT, "slot": "photo", "file": SimpleUploadedFile("photo.png", PNG)},
        **as_user(user),
    )
    assert upload.status_code == 201, upload.content
    attachment_id = upload.json()["id"]
    wrong = client.post(
        "/api/v1/cases/attachments",
        {"service": PASSPORT, "slot": "photo", "file": SimpleUploadedFile("a.pdf", PDF)},
        **as_user(user),
    )
    assert wrong.status_code == 422
    # Keyed by the multipart fields sent, not by the page's input ("upload-photo").
    assert list(wrong.json()["fields"]) == ["file"]
    no_slot = client.post(
        "/api/v1/cases/attachments",
        {"service": PASSPORT, "slot": "selfie", "file": SimpleUploadedFile("p.png", PNG)},
        **as_user(user),
    )
    assert (no_slot.status_code, list(no_slot.json()["fields"])) == (422, ["slot"])
    no_service = client.post(
        "/api/v1/cases/attachments",
        {"service": "NOPE", "slot": "photo", "file": SimpleUploadedFile("p.png", PNG)},
        **as_user(user),
    )
    assert no_service.json()["code"] == "unknown_service"  # as POST /cases says it
    assert list(no_service.json()["fields"]) == ["service"]
    data = answers(user, PASSPORT, attachments={"photo": attachment_id})
    response = post(client, "/api/v1/cases", as_user(user), {"service": PASSPORT, "data": data})
    assert response.status_code == 201, response.content
    assert response.json()["attachments"] == [attachment_id]
    # Someone else's upload cannot be referenced.
    other = world["citizen.chen"]
    data = answers(other, PASSPORT, attachments={"photo": attachment_id})
    refused = post(client, "/api/v1/cases", as_user(other), {"service": PASSPORT, "data": data})
    assert refused.status_code == 422
    assert "attachments.photo" in refused.json()["fields"]
    # true is no attachment id (Python counts it as 1).
    data = answers(user, PASSPORT, attachments={"photo": True})
    truth = post(client, "/api/v1/cases", as_user(user), {"service": PASSPORT, "data": data})
    assert truth.status_code == 422 and "attachments.photo" in truth.json()["fields"]
    # Nor is a number past what a database key holds (API QA: an overflow, a 500).
    for huge in (2**63, 2**64):
        data = answers(user, PASSPORT, attachments={"photo": huge})
        beyond = post(client, "/api/v1/cases", as_user(user), {"service": PASSPORT, "data": data})
        assert beyond.status_code == 422
        assert beyond.json()["fields"]["attachments.photo"] == ["该材料项下没有此附件。"]

    from onewindow.forms.models import Attachment
    from onewindow.forms.permissions import can_read_attachment

    attachment = Attachment.objects.get(pk=attachment_id)
    assert can_read_attachment(world["ga.window"], attachment)
    assert not can_read_attachment(world["sj.window"], attachment)
    assert not can_read_attachment(other, attachment)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_upload_sent_as_json_is_415_not_missing_fields(client, world, as_user, language):
    sent = {"service": PASSPORT, "slot": "photo", "file": "aGVsbG8="}
    headers = as_user(world["citizen.wang"])
    response = post(
        client, "/api/v1/cases/attachments", headers | {"HTTP_ACCEPT_LANGUAGE": language}, sent
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    with translation.override(language):
        assert response.json()["message"] == translation.gettext(
            "Send the request body as multipart/form-data, with the file as a part."
        )
    # A multipart body missing its file still names the field.
    no_file = client.post(
        "/api/v1/cases/attachments", {"service": PASSPORT, "slot": "photo"}, **headers
    )
    assert (no_file.status_code, list(no_file.json()["fields"])) == (422, ["file"])
    # Authentication is still asked first.
    anonymous = post(client, "/api/v1/cases/attachments", {}, sent)
    assert anonymous.status_code == 401


def test_list_query_counts_do_not_grow(client, world, as_user, django_assert_max_num_queries):
    user, officer_user = world["citizen.wang"], world["ga.window"]
    submit(user, PASSPORT)
    mine, theirs = as_user(user), as_user(officer_user)
    # Each list: the total, the page's ids, then the page's rows with what they join.
    with django_assert_max_num_queries(14) as few:
        client.get("/api/v1/cases", **mine)
        client.get("/api/v1/tasks", **theirs)
    for _ in range(4):
        submit(user, PASSPORT)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/v1/cases", **mine).json()) == 5
        assert len(client.get("/api/v1/tasks", **theirs).json()) == 5


def test_notifications_list_only_mine(client, world, as_user):
    case = submit(world["citizen.wang"], PASSPORT)
    mine = client.get("/api/v1/notifications", **as_user(world["citizen.wang"])).json()
    assert [(n["case"], n["kind"], n["link"]) for n in mine] == [
        (case.number, "case_submitted", f"/cases/{case.number}/")
    ]
    assert client.get("/api/v1/notifications", **as_user(world["citizen.chen"])).json() == []


def test_officer_views_of_identity_numbers_are_audited(client, world, as_user):
    from onewindow.audit.models import AuditEvent

    case = submit(world["citizen.wang"], PASSPORT)
    client.get(f"/api/v1/cases/{case.number}", **as_user(world["citizen.wang"]))
    assert not AuditEvent.objects.filter(action="identity.personal_data_viewed").exists()
    shown = client.get(f"/api/v1/cases/{case.number}", **as_user(world["ga.window"])).json()
    assert shown["data"]["applicant_id_number"] == world["citizen.wang"].id_number
    event = AuditEvent.objects.get(action="identity.personal_data_viewed")
    assert event.detail["fields"] == ["applicant_id_number"]
    # A HEAD learns what the GET would (the case is there, its size): audited alike.
    head = client.head(f"/api/v1/cases/{case.number}", **as_user(world["ga.window"]))
    assert (head.status_code, head.content) == (200, b"")
    assert AuditEvent.objects.filter(action="identity.personal_data_viewed").count() == 2


def test_a_decisions_answer_audits_the_view_in_the_decisions_transaction(
    client, world, as_user, capture_queries
):
    # The answer shows the applicant's identity number; its view is recorded with the
    # decision (one take of the audit chain, one commit), not in a transaction after.
    from onewindow.audit.models import AuditEvent

    case = submit(world["citizen.wang"], PASSPORT)
    task = open_task(case, "Task_accept")
    headers = as_user(world["ga.window"])
    with capture_queries() as queries:
        answer = post(client, f"/api/v1/tasks/{task.pk}/complete", headers, {"outcome": "accept"})
    assert answer.status_code == 200
    assert answer.json()["data"]["applicant_id_number"] == world["citizen.wang"].id_number
    assert answer.json()["timeline"][-1]["outcome"] == "accept"
    chain_takes = [q for q in queries.captured_queries if 'FROM "audit_chainhead"' in q["sql"]]
    assert len(chain_takes) == 1
    decided, viewed = AuditEvent.objects.order_by("-seq")[:2][::-1]
    assert (decided.action, viewed.action) == (
        "cases.case_decided",
        "identity.personal_data_viewed",
    )
    assert viewed.detail["fields"] == ["applicant_id_number"]
    assert viewed.actor_id == world["ga.window"].pk


def test_the_inbox_and_my_cases_come_a_page_at_a_time(client, world, as_user):
    user = world["citizen.wang"]
    numbers = [submit(user, PASSPORT).number for _ in range(3)]
    theirs, mine = as_user(world["ga.window"]), as_user(user)
    first = client.get("/api/v1/tasks?limit=2", **theirs)
    rest = client.get("/api/v1/tasks?limit=2&offset=2", **theirs)
    assert first["X-Total-Count"] == rest["X-Total-Count"] == "3"
    # Oldest first, and no task on two pages.
    assert [t["case"] for t in first.json() + rest.json()] == numbers
    newest = client.get("/api/v1/cases?limit=1", **mine)
    assert newest["X-Total-Count"] == "3"
    assert [c["number"] for c in newest.json()] == numbers[-1:]
    assert client.get("/api/v1/cases?offset=3", **mine).json() == []
    # Without parameters, the first hundred.
    assert len(client.get("/api/v1/tasks", **theirs).json()) == 3


@pytest.mark.parametrize(
    ("query", "field", "english", "chinese"),
    [
        ("limit=0", "limit", "Enter 1 or more.", "请输入不小于 1 的数。"),
        ("limit=501", "limit", "Enter 500 or less.", "请输入不大于 500 的数。"),
        ("offset=-1", "offset", "Enter 0 or more.", "请输入不小于 0 的数。"),
        # Past what the database takes (it was a 500).
        (
            "offset=9223372036854775808",
            "offset",
            "Enter 1000000000 or less.",
            "请输入不大于 1000000000 的数。",
        ),
        ("limit=many", "limit", "Enter a whole number.", "请输入整数。"),
    ],
)
def test_a_page_out_of_bounds_is_refused_with_the_field(
    client, world, as_user, query, field, english, chinese
):
    headers = as_user(world["ga.window"])
    for language, message in (("en", english), ("zh-hans", chinese)):
        response = client.get(f"/api/v1/tasks?{query}", HTTP_ACCEPT_LANGUAGE=language, **headers)
        assert response.status_code == 422
        assert response.json()["fields"] == {field: [message]}


def test_no_upload_for_an_item_that_takes_no_applications(client, world, as_user):
    from onewindow.catalog import services as catalog_services
    from onewindow.forms import queries as forms_queries

    # Its form is bound but no process handles it: filing would refuse the application.
    catalog_services.bind_application(
        actor=None,
        code=PASSPORT,
        form=forms_queries.latest_definition("passport"),
        process=None,
    )
    upload = client.post(
        "/api/v1/cases/attachments",
        {"service": PASSPORT, "slot": "photo", "file": SimpleUploadedFile("photo.png", PNG)},
        **as_user(world["citizen.wang"]),
    )
    assert upload.status_code == 422
    assert upload.json()["fields"]["service"] == ["该事项暂不支持网上申请。"]  # his language


def test_an_integrator_reads_the_form_an_application_answers(client, world, as_user):
    user = world["citizen.wang"]
    headers = {**as_user(user), "HTTP_ACCEPT_LANGUAGE": "en"}
    passport = client.get(f"/api/v1/cases/forms/{PASSPORT}", **headers)
    assert passport.status_code == 200
    body = passport.json()
    assert body["service"] == PASSPORT and body["title"]
    schema = body["data_schema"]
    assert "applicant_name" in schema["properties"] and "applicant_name" in schema["required"]
    photo = next(slot for slot in body["attachments"] if slot["key"] == "photo")
    assert photo["required"] and photo["types"] and photo["max_mb"] > 0
    assert photo["label"] and not any("\u4e00" <= ch <= "\u9fff" for ch in photo["label"])
    # What the form asks is what filing accepts: answers made from it file a case.
    data = answers(user, PASSPORT)
    assert set(data) - {"attachments"} <= set(schema["properties"])
    # A life event's form is its items' merged: each shared question once.
    newborn = client.get("/api/v1/cases/forms/newborn", **headers).json()
    names = list(newborn["data_schema"]["properties"])
    assert len(names) == len(set(names)) and newborn["attachments"]
    unknown = client.get("/api/v1/cases/forms/no-such-service", **headers)
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"


def test_a_life_events_items_list_the_files_their_forms_ask_for(client, world, as_user):
    # The event holds every file; the API listed none under its items (QA).
    applicant = world["citizen.wang"]
    body = {"service": "newborn", "data": answers(applicant, "newborn")}
    filed = post(client, "/api/v1/cases", as_user(applicant), body)
    assert filed.status_code == 201, filed.content
    event = filed.json()
    assert event["attachments"]
    listed = {pk for item in event["children"] for pk in item["attachments"]}
    assert listed == set(event["attachments"])  # each file under an item that asks for it
    for item in event["children"]:
        alone = client.get(f"/api/v1/cases/{item['number']}", **as_user(applicant)).json()
        assert alone["attachments"] == item["attachments"], item["number"]
