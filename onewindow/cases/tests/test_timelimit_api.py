"""The time-limit API (cases/timelimit_api.py and the clocks in cases/api.py): shapes,
errors and who may call what.

The passport cases are accepted Mon 2026-03-02 10:00 unless said otherwise: the review
step (5 working days) is due at the close of Mon 03-09, the case (7) of Wed 03-11.
"""

from datetime import datetime

import pytest
from django.utils import timezone

from onewindow.cases import extensions, supplements
from onewindow.cases.models import Case, Extension, SupplementRequest
from onewindow.cases.tests.test_api import token_for
from onewindow.cases.tests.timekit import accepted_passport, at, travel, upload
from onewindow.identity.models import User

pytestmark = pytest.mark.single_pass

NOW = at("2026-03-06", 10)  # the review steps of 03-02 are due soon (yellow from 03-06)
PHOTO = [{"slot": "photo", "reason": "背景不是白色"}]


@pytest.fixture
def as_user(client):
    """Bearer headers for a user, with a token issued at the (travelled) present: tokens
    live 8 hours, and the tests move through days."""
    tokens: dict[tuple[int, datetime], str] = {}

    def headers(user: User) -> dict[str, str]:
        key = (user.pk, timezone.now().replace(minute=0, second=0, microsecond=0))
        if key not in tokens:
            tokens[key] = token_for(client, user)
        return {"HTTP_AUTHORIZATION": f"Bearer {tokens[key]}"}

    return headers


@pytest.fixture
def call(client, as_user):
    """call("post", url, user, body) → the response; user None sends no token."""

    def send(method, url, user, body=None):
        headers = as_user(user) if user is not None else {}
        if method == "get":
            return client.get(url, **headers)
        return client.post(url, body or {}, content_type="application/json", **headers)

    return send


def error_shape(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"} and body["message"]
    if code is not None:
        assert body["code"] == code
    return body


@pytest.fixture
def review(world):
    _case, task = accepted_passport(world, at("2026-03-02", 10))
    return task


@pytest.fixture
def waiting(world, review):
    """A supplement awaited on the passport case's photo, asked Wed 03-04 11:00."""
    with travel(at("2026-03-04", 11)):
        supplements.request_supplement(actor=world["ga.review"], task_id=review.pk, items=PHOTO)
    return review


@pytest.fixture
def pending(world, review):
    """An extension of 3 days asked by ga.review on Wed 03-04."""
    with travel(at("2026-03-04", 15)):
        return extensions.request_extension(
            actor=world["ga.review"], task_id=review.pk, days=3, reason="需外省核实"
        )


def number_of(task):
    from onewindow.cases.queries import cases_by_instance

    return cases_by_instance([task.instance_id])[task.instance_id].number


# --- every endpoint needs a token ----------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/v1/tasks/1/supplement"),
        ("post", "/api/v1/cases/310000-GA-20260302-0001/supplement"),
        ("post", "/api/v1/tasks/1/extension"),
        ("get", "/api/v1/extensions"),
        ("post", "/api/v1/extensions/1/decide"),
        ("get", "/api/v1/tasks?deadline=overdue"),
    ],
)
def test_without_a_token_401(call, db, method, url):
    error_shape(call(method, url, None), 401, "not_authenticated")


def test_the_schema_lists_the_time_limit_endpoints(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/tasks/{task_id}/supplement",
        "/api/v1/cases/{number}/supplement",
        "/api/v1/tasks/{task_id}/extension",
        "/api/v1/extensions",
        "/api/v1/extensions/{extension_id}/decide",
    ):
        assert path in paths


# --- supplements -----------------------------------------------------------------------


def test_ask_for_a_supplement(world, call, review):
    with travel(at("2026-03-04", 11)):
        response = call(
            "post",
            f"/api/v1/tasks/{review.pk}/supplement",
            world["ga.review"],
            {"items": [*PHOTO, {"material": "户口簿", "reason": "缺少"}], "note": "请补齐"},
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["case"] == number_of(review)
    assert (body["task"], body["department"], body["status"]) == ("审核", "310000-GA", "open")
    # Each with the slot its file is uploaded for: a material named in words has its own,
    # and its file is required as the form's are (it names no question to correct).
    assert body["items"] == [
        {
            "slot": "photo",
            "material": "出入境证件数码照片",
            "reason": "背景不是白色",
            "upload": "photo",
            "required": True,
        },
        {
            "slot": "",
            "material": "户口簿",
            "reason": "缺少",
            "upload": f"supplement-{body['id']}-2",
            "required": True,
        },
    ]
    assert (body["note"], body["answered_at"]) == ("请补齐", None)
    assert datetime.fromisoformat(body["requested_at"]) == at("2026-03-04", 11)


# (what is asked, the body, a field at fault): the schema's refusals and the services'.
BAD_REQUESTS = [
    ("supplement", {"items": []}, "items"),  # the schema's minimum
    ("supplement", {}, "items"),
    ("supplement", {"items": [{"slot": "photo"}]}, "items.0.reason"),
    ("supplement", {"items": [{"slot": "nope", "reason": "x"}]}, "items.0.slot"),
    ("supplement", {"items": [{"material": "", "reason": "x"}]}, "items.0.material"),
    ("supplement", {"items": [{"material": "x", "reason": "y"}] * 21}, "items"),
    ("extension", {"days": 0, "reason": "x"}, "days"),
    ("extension", {"days": 61, "reason": "x"}, "days"),
    ("extension", {"days": "three", "reason": "x"}, "days"),
    ("extension", {"days": 3, "reason": ""}, "reason"),
    ("extension", {"days": 3, "reason": "   "}, "reason"),
    ("extension", {"reason": "x"}, "days"),
]


@pytest.mark.parametrize(("kind", "body", "field"), BAD_REQUESTS)
def test_a_bad_request_is_422_with_fields_and_saves_nothing(world, call, review, kind, body, field):
    response = call("post", f"/api/v1/tasks/{review.pk}/{kind}", world["ga.review"], body)
    got = error_shape(response, 422, "invalid")
    assert field in got["fields"], got
    assert not SupplementRequest.objects.exists() and not Extension.objects.exists()


def test_an_explanation_is_asked_for_without_a_file(world, call, review):
    with travel(at("2026-03-04", 11)):
        response = call(
            "post",
            f"/api/v1/tasks/{review.pk}/supplement",
            world["ga.review"],
            {"items": [{"material": "户口簿", "reason": "说明缺页原因", "needs_file": False}]},
        )
    assert response.status_code == 201, response.content
    [item] = response.json()["items"]
    assert (item["material"], item["required"]) == ("户口簿", False)
    # The applicant answers it in words, by the item's number; without them, 422.
    number, wang = number_of(review), world["citizen.wang"]
    with travel(at("2026-03-05", 10)):
        silent = call("post", f"/api/v1/cases/{number}/supplement", wang, {"comment": "见附件"})
        assert error_shape(silent, 422)["fields"] == {"explanations.1": ["此字段为必填项。"]}
        answered = call(
            "post",
            f"/api/v1/cases/{number}/supplement",
            wang,
            {"explanations": {"1": "户主页在派出所补办中"}},
        )
    assert answered.status_code == 200, answered.content
    assert SupplementRequest.objects.get().answer_comment == "户口簿：户主页在派出所补办中"


def test_supplement_conflicts_are_409(world, call, waiting):
    again = call(
        "post", f"/api/v1/tasks/{waiting.pk}/supplement", world["ga.review"], {"items": PHOTO}
    )
    error_shape(again, 409, "supplement_open")


def test_resupply_resumes_the_case(world, call, waiting):
    number = number_of(waiting)
    wang = world["citizen.wang"]
    photo = upload(wang)
    missing = call("post", f"/api/v1/cases/{number}/supplement", wang, {"attachments": {}})
    assert "attachments.photo" in error_shape(missing, 422)["fields"]
    wrong = call(
        "post", f"/api/v1/cases/{number}/supplement", wang, {"attachments": {"photo": "x"}}
    )
    assert "attachments.photo" in error_shape(wrong, 422, "invalid")["fields"]
    unknown = call(
        "post",
        f"/api/v1/cases/{number}/supplement",
        wang,
        {
            "attachments": {"photo": photo.pk},
            "data": {"emergency_contact_fone": "13916200177", "applicant_phone": "13900001111"},
        },
    )
    # The request asks for the photo alone: no answer may change with it.
    assert error_shape(unknown, 422, "invalid_answers")["fields"] == {
        "emergency_contact_fone": ["本申请没有这一问题。"],
        "applicant_phone": ["本次补正未要求更正这项回答。"],
    }
    before = Case.objects.get(number=number).data
    with travel(at("2026-03-09", 10)):
        response = call(
            "post",
            f"/api/v1/cases/{number}/supplement",
            wang,
            {
                "attachments": {"photo": photo.pk},
                "comment": "已补",
            },
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["number"], body["status"]) == (number, "in_progress")
    assert photo.pk in body["attachments"]
    assert body["data"] == before
    assert body["clock"]["state"] == "running"
    # 2 days banked; resumed Mon 03-09: 5 left, due at the close of Mon 03-16.
    assert datetime.fromisoformat(body["clock"]["due_at"]) == at("2026-03-17", 0)
    assert [s["status"] for s in body["supplements"]] == ["answered"]
    assert [e["outcome"] for e in body["timeline"]][-2:] == ["supplement_requested", "resupplied"]
    with travel(at("2026-03-09", 11)):
        twice = call(
            "post", f"/api/v1/cases/{number}/supplement", wang, {"attachments": {"photo": photo.pk}}
        )
    error_shape(twice, 409, "supplement_closed")


def test_resupply_of_a_life_event_answers_with_the_events_own_case(world, call):
    from onewindow.cases.tests.conftest import open_task, submit
    from onewindow.cases.tests.timekit import decide

    wang = world["citizen.wang"]
    with travel(at("2026-03-02", 10)):
        parent = submit(wang, "newborn")
        decide(world["wj.review"], open_task(parent, "Task_birth_certificate"), "complete")
        supplements.request_supplement(
            actor=world["ga.window"],
            task_id=open_task(parent, "Task_hukou").pk,
            items=[{"slot": "household_register", "reason": "缺页"}],
        )
    register = upload(wang, "household_register", form="newborn_hukou")
    with travel(at("2026-03-03", 10)):
        response = call(
            "post",
            f"/api/v1/cases/{parent.number}/supplement",
            wang,
            {"attachments": {"household_register": register.pk}},
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["number"] == parent.number
    assert len(body["children"]) == 4
    assert [s["status"] for s in body["supplements"]] == ["answered"]


# --- extensions ------------------------------------------------------------------------


def test_ask_for_an_extension_and_have_it_approved(world, call, review):
    with travel(at("2026-03-04", 15)):
        asked = call(
            "post",
            f"/api/v1/tasks/{review.pk}/extension",
            world["ga.review"],
            {"days": 3, "reason": "需外省核实"},
        )
    assert asked.status_code == 201, asked.content
    body = asked.json()
    assert (body["days"], body["reason"], body["status"]) == (3, "需外省核实", "pending")
    assert (body["requested_by"], body["decided_by"], body["decided_at"]) == ("ga.review", "", None)
    with travel(at("2026-03-05", 9)):
        listed = call("get", "/api/v1/extensions", world["ga.lead"])
        assert [e["id"] for e in listed.json()] == [body["id"]]
        assert listed["X-Total-Count"] == "1"
        past = call("get", "/api/v1/extensions?offset=1", world["ga.lead"])
        assert (past.json(), past["X-Total-Count"]) == ([], "1")
        assert call("get", "/api/v1/extensions", world["ga.review"]).json() == []
        decided = call(
            "post",
            f"/api/v1/extensions/{body['id']}/decide",
            world["ga.lead"],
            {"approve": True, "comment": "同意"},
        )
    assert decided.status_code == 200, decided.content
    out = decided.json()
    assert (out["status"], out["decided_by"], out["decision_comment"]) == (
        "approved",
        "ga.lead",
        "同意",
    )
    assert datetime.fromisoformat(out["decided_at"]) == at("2026-03-05", 9)
    with travel(at("2026-03-05", 9)):
        case = call("get", f"/api/v1/cases/{number_of(review)}", world["citizen.wang"]).json()
        assert call("get", "/api/v1/extensions", world["ga.lead"]).json() == []
    assert [e["id"] for e in case["extensions"]] == [body["id"]]
    # The applicant reads roles on the timeline, not the officers' user names.
    [seen] = case["extensions"]
    assert (seen["requested_by"], seen["decided_by"]) == ("", "")
    with travel(at("2026-03-05", 9)):
        officer = call("get", f"/api/v1/cases/{number_of(review)}", world["ga.review"]).json()
    [named] = officer["extensions"]
    assert (named["requested_by"], named["decided_by"]) == ("ga.review", "ga.lead")
    assert (case["clock"]["limit_days"], case["clock"]["extended_days"]) == (10, 3)
    # 10 days from Mon 03-02: 03-03..06, 09..13, 16 → the close of Mon 03-16.
    assert datetime.fromisoformat(case["clock"]["due_at"]) == at("2026-03-17", 0)
    assert case["timeline"][-1]["outcome"] == "extended"
    assert case["timeline"][-1]["note_for_applicant"] == "需外省核实"


def test_extension_conflicts_and_a_refusal_without_reason(world, call, pending):
    again = call(
        "post",
        f"/api/v1/tasks/{pending.task_id}/extension",
        world["ga.review"],
        {"days": 2, "reason": "再延"},
    )
    error_shape(again, 409, "extension_pending")
    url = f"/api/v1/extensions/{pending.pk}/decide"
    no_reason = call("post", url, world["ga.lead"], {"approve": False})
    assert "comment" in error_shape(no_reason, 422, "reason_required")["fields"]
    # Strictly true or false: "yes" approved an extension (QA).
    for vague in ("perhaps", "yes", 1, "true"):
        bad = call("post", url, world["ga.lead"], {"approve": vague})
        assert error_shape(bad, 422, "invalid")["fields"] == {"approve": ["请输入 true 或 false。"]}
    refused = call("post", url, world["ga.lead"], {"approve": False, "comment": "不同意"})
    assert refused.json()["status"] == "refused"
    error_shape(call("post", url, world["supervisor"], {"approve": True}), 409, "extension_decided")
    error_shape(
        call("post", "/api/v1/extensions/999999/decide", world["ga.lead"], {"approve": True}), 404
    )


# --- the inbox by deadline and the clocks shown ------------------------------------------


def test_the_inbox_by_deadline(world, call):
    overdue_case, overdue = accepted_passport(world, at("2026-03-02", 10))  # due 03-10 00:00
    soon_case, soon = accepted_passport(world, at("2026-03-04", 10))  # yellow from 03-10
    on_track_case, on_track = accepted_passport(world, at("2026-03-09", 10))  # due 03-17
    _waiting_case, waiting = accepted_passport(world, at("2026-03-02", 10))
    with travel(at("2026-03-03", 10)):
        supplements.request_supplement(actor=world["ga.review"], task_id=waiting.pk, items=PHOTO)
    with travel(at("2026-03-10", 9)):
        officer = world["ga.review"]
        got = {
            deadline: [
                t["id"] for t in call("get", f"/api/v1/tasks?deadline={deadline}", officer).json()
            ]
            for deadline in ("overdue", "due_soon", "on_track", "supplement", "")
        }
        rows = {t["id"]: t for t in call("get", "/api/v1/tasks", officer).json()}
    assert got["overdue"] == [overdue.pk]
    assert got["due_soon"] == [soon.pk]
    assert got["on_track"] == [on_track.pk]
    assert got["supplement"] == [waiting.pk]
    assert sorted(got[""]) == sorted([overdue.pk, soon.pk, on_track.pk, waiting.pk])
    # Each row carries its step's clock, in words too.
    assert (rows[overdue.pk]["clock"]["colour"], rows[overdue.pk]["clock"]["label"]) == (
        "red",
        "已超期",
    )
    assert rows[soon.pk]["clock"]["colour"] == "yellow"
    assert rows[soon.pk]["clock"]["remaining_days"] == 1
    assert rows[on_track.pk]["clock"]["colour"] == "green"
    assert rows[waiting.pk]["clock"]["colour"] == "paused"
    assert rows[waiting.pk]["status"] == "suspended"
    assert rows[overdue.pk]["case"] == overdue_case.number
    # An unknown filter is refused, naming the values there are (an empty one is none).
    with travel(at("2026-03-10", 9)):
        unknown = call("get", "/api/v1/tasks?deadline=soonish", officer)
    assert unknown.status_code == 422
    assert list(unknown.json()["fields"]) == ["deadline"]
    assert {soon_case.number, on_track_case.number} <= {r["case"] for r in rows.values()}


def test_a_case_shows_its_clock_supplements_and_only_approved_extensions(world, call, pending):
    number = number_of(pending.task)
    with travel(NOW):
        before = call("get", f"/api/v1/cases/{number}", world["citizen.wang"]).json()
    assert before["clock"] == {
        "state": "running",
        "colour": "green",
        "label": "正常",
        "started_at": before["clock"]["started_at"],
        "due_at": before["clock"]["due_at"],
        "limit_days": 7,
        "extended_days": 0,
        "used_days": 4,
        "remaining_days": 3,
    }
    assert datetime.fromisoformat(before["clock"]["started_at"]) == at("2026-03-02", 10)
    assert datetime.fromisoformat(before["clock"]["due_at"]) == at("2026-03-12", 0)
    assert before["extensions"] == [] and before["supplements"] == []
    assert before["timeline"][-1]["outcome"] == "accept"


def test_a_case_not_yet_accepted_has_no_clock(world, call):
    from onewindow.cases.tests.conftest import PASSPORT, submit

    with travel(NOW):
        case = submit(world["citizen.wang"], PASSPORT)
        body = call("get", f"/api/v1/cases/{case.number}", world["citizen.wang"]).json()
        tasks = call("get", "/api/v1/tasks", world["ga.window"]).json()
    assert body["clock"] is None
    # The acceptance step has its own limit of 1 working day.
    assert tasks[0]["clock"]["limit_days"] == 1


# --- who may call what ------------------------------------------------------------------

USERS = ["citizen.wang", "citizen.chen", "ga.review", "sj.review", "ga.lead", "supervisor", "admin"]

# user → (GET the case, ask a supplement, answer it, ask an extension, list extensions
# (how many), decide one). The lane is 公安's reviewing officers; ga.review asked the
# extension being decided.
MATRIX = {
    "citizen.wang": (200, 404, 200, 404, 0, 404),
    "citizen.chen": (404, 404, 404, 404, 0, 404),
    "ga.review": (200, 201, 404, 201, 0, 403),
    "sj.review": (404, 404, 404, 404, 0, 404),
    "ga.lead": (200, 403, 404, 403, 1, 200),
    "supervisor": (200, 403, 404, 403, 1, 200),
    "admin": (200, 403, 404, 403, 0, 403),
}


@pytest.mark.parametrize("who", USERS)
def test_authorization_matrix(world, call, who):
    user, wang = world[who], world["citizen.wang"]
    viewed, asked_on = accepted_passport(world, at("2026-03-02", 10))
    _case, answered_on = accepted_passport(world, at("2026-03-02", 10))
    _case, extended_on = accepted_passport(world, at("2026-03-02", 10))
    _case, decided_on = accepted_passport(world, at("2026-03-02", 10))
    with travel(at("2026-03-04", 11)):
        supplements.request_supplement(
            actor=world["ga.review"], task_id=answered_on.pk, items=PHOTO
        )
        extension = extensions.request_extension(
            actor=world["ga.review"], task_id=decided_on.pk, days=2, reason="核实"
        )
    photo = upload(wang)
    with travel(NOW):
        got = (
            call("get", f"/api/v1/cases/{viewed.number}", user).status_code,
            call(
                "post", f"/api/v1/tasks/{asked_on.pk}/supplement", user, {"items": PHOTO}
            ).status_code,
            call(
                "post",
                f"/api/v1/cases/{number_of(answered_on)}/supplement",
                user,
                {"attachments": {"photo": photo.pk}},
            ).status_code,
            call(
                "post",
                f"/api/v1/tasks/{extended_on.pk}/extension",
                user,
                {"days": 1, "reason": "核实"},
            ).status_code,
            len(call("get", "/api/v1/extensions", user).json()),
            call(
                "post",
                f"/api/v1/extensions/{extension.pk}/decide",
                user,
                {"approve": True, "comment": "同意"},
            ).status_code,
        )
    assert got == MATRIX[who]
    # Only a success changed anything.
    assert SupplementRequest.objects.filter(task=asked_on).exists() == (got[1] == 201)
    assert Extension.objects.filter(task=extended_on).exists() == (got[3] == 201)
    extension.refresh_from_db()
    assert (extension.status == "approved") == (got[5] == 200)


def test_the_inbox_in_order_of_the_nearest_last_day(world, call):
    _c, overdue = accepted_passport(world, at("2026-03-02", 10))  # due 03-10 00:00
    _c, waiting = accepted_passport(world, at("2026-03-02", 11))
    _c, soon = accepted_passport(world, at("2026-03-04", 10))
    with travel(at("2026-03-03", 10)):
        supplements.request_supplement(actor=world["ga.review"], task_id=waiting.pk, items=PHOTO)
    with travel(at("2026-03-10", 9)):
        officer = world["ga.review"]
        got = {
            order: [t["id"] for t in call("get", f"/api/v1/tasks?order={order}", officer).json()]
            for order in ("", "oldest", "newest", "last_day")
        }
        unknown = call("get", "/api/v1/tasks?order=alphabetical", officer)
    came = [overdue.pk, waiting.pk, soon.pk]
    assert got[""] == got["oldest"] == came
    assert got["newest"] == came[::-1]
    assert got["last_day"] == [overdue.pk, soon.pk, waiting.pk]  # no running limit: last
    assert unknown.status_code == 422
    assert list(unknown.json()["fields"]) == ["order"]
