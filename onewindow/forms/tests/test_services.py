import pytest
from django.db import IntegrityError
from django.http import QueryDict

from onewindow.audit.models import AuditEvent
from onewindow.conftest import make_department, make_user
from onewindow.core.errors import Conflict, Forbidden, InvalidInput
from onewindow.forms import services
from onewindow.forms.models import FormDefinition, FormDraft
from onewindow.forms.tests.conftest import make_definition, sample_parts
from onewindow.identity.roles import Role


def test_definitions_get_increasing_versions(db):
    first = make_definition()
    second = make_definition(title="示例表单（修订）")
    assert (first.version, second.version) == (1, 2)
    assert first.sha256 != second.sha256 and len(first.sha256) == 64
    events = AuditEvent.objects.filter(action="forms.definition_created")
    assert [e.detail["version"] for e in events.order_by("seq")] == [1, 2]


def test_department_admins_may_publish_definitions(db):
    admin = make_user(roles=[(Role.DEPARTMENT_ADMIN, make_department(code="310000-WJ"))])
    definition = services.create_definition(
        actor=admin, key="by-admin", title="表单", **sample_parts()
    )
    assert definition.created_by == admin


def test_others_may_not_publish_definitions(db):
    citizen = make_user()
    with pytest.raises(Forbidden):
        services.create_definition(actor=citizen, key="nope", title="表单", **sample_parts())
    assert not FormDefinition.objects.exists()
    event = AuditEvent.objects.get(action="forms.definition_created")
    assert event.outcome == "denied" and event.actor_id == citizen.pk


def test_invalid_definitions_are_not_stored(db):
    parts = sample_parts()
    parts["schema"]["properties"]["notes"] = {"$ref": "https://evil.example/x.json"}
    with pytest.raises(InvalidInput) as excinfo:
        services.create_definition(actor=None, key="bad", title="表单", **parts)
    assert "schema" in excinfo.value.fields
    assert not FormDefinition.objects.exists()
    assert not AuditEvent.objects.exists()


def test_each_problem_of_a_definition_is_listed_once(db):
    parts = sample_parts()
    # A field the schema lacks, placed in a section and given hints; one placed thrice.
    parts["layout"]["sections"][0]["fields"] += ["ghost", "notes", "notes"]
    parts["layout"]["fields"]["ghost"] = {"widget": "text"}
    with pytest.raises(InvalidInput) as excinfo:
        services.create_definition(actor=None, key="bad", title="表单", **parts)
    assert [str(m) for m in excinfo.value.fields["layout"]] == [
        "The layout names a field that is not in the schema: ghost",
        "The field notes appears more than once in the layout.",
    ]


def test_an_attachment_without_a_key_is_said_to_have_none(db):
    parts = sample_parts()
    slot = {"label": "照片", "types": ["png"], "max_mb": 1}
    parts["attachments"] = [*parts["attachments"], slot, {**slot, "key": ""}, {**slot, "key": "A"}]
    number = len(parts["attachments"]) - 2
    with pytest.raises(InvalidInput) as excinfo:
        services.create_definition(actor=None, key="bad", title="表单", **parts)
    assert [str(m) for m in excinfo.value.fields["attachments"]] == [
        f"Attachment {number} has no key: give it one of lower-case letters, digits and "
        "single underscores.",
        f"Attachment {number + 1} has no key: give it one of lower-case letters, digits and "
        "single underscores.",
        "Attachment keys use lower-case letters, digits and single underscores: A",
    ]
    assert not FormDefinition.objects.exists()


# --- drafts ---------------------------------------------------------------------------


def test_drafts_keep_partial_and_unvalidated_answers(sample):
    owner = make_user()
    posted = QueryDict(mutable=True)
    posted.update({"full_name": "张", "age": "thirty", "csrfmiddlewaretoken": "x", "notes": ""})
    posted.setlist("toppings", ["egg", "beef"])
    draft = services.save_draft(owner=owner, definition=sample, context="item:demo", data=posted)
    assert draft.data == {"full_name": "张", "age": "thirty", "toppings": ["egg", "beef"]}
    loaded = services.load_draft(owner=owner, definition=sample, context="item:demo")
    assert loaded is not None and loaded.data == draft.data
    event = AuditEvent.objects.get(action="forms.draft_saved")
    assert event.detail["fields"] == ["age", "full_name", "toppings"]
    assert "thirty" not in str(event.detail)  # the answers themselves stay out of the log


def test_saving_again_replaces_the_draft(sample):
    owner = make_user()
    services.save_draft(owner=owner, definition=sample, context="c", data={"full_name": "张"})
    services.save_draft(owner=owner, definition=sample, context="c", data={"age": 3})
    assert FormDraft.objects.get().data == {"age": 3}


def test_drafts_are_per_owner_and_context(sample):
    owner, other = make_user(), make_user()
    services.save_draft(owner=owner, definition=sample, context="event:newborn", data={"age": 1})
    assert services.load_draft(owner=other, definition=sample, context="event:newborn") is None
    assert services.load_draft(owner=owner, definition=sample, context="item:x") is None
    services.save_draft(owner=other, definition=sample, context="event:newborn", data={"age": 2})
    mine = services.load_draft(owner=owner, definition=sample, context="event:newborn")
    assert mine is not None and mine.data == {"age": 1}


def test_anonymous_users_have_no_drafts(sample):
    from django.contrib.auth.models import AnonymousUser

    assert services.load_draft(owner=AnonymousUser(), definition=sample, context="c") is None


def test_discarding_a_draft(sample):
    owner = make_user()
    services.save_draft(owner=owner, definition=sample, context="c", data={"age": 1})
    assert services.discard_draft(owner=owner, definition=sample, context="c") is True
    assert services.discard_draft(owner=owner, definition=sample, context="c") is False
    assert not FormDraft.objects.exists()
    assert AuditEvent.objects.filter(action="forms.draft_discarded").count() == 1


def test_draft_text_is_capped(sample):
    owner = make_user()
    draft = services.save_draft(
        owner=owner, definition=sample, context="c", data={"notes": "字" * 20_000}
    )
    assert len(draft.data["notes"]) == 10_000


def test_a_version_published_meanwhile_is_a_conflict_and_any_other_refusal_is_not(db, monkeypatch):
    """The insert is refused when another publisher took the version number between the
    read and the insert (a Conflict: try again); a refusal of anything else (a check of
    the database's) is no race, and saying "try again" would have a client loop."""
    make_definition()  # version 1, which the stale read below does not see
    real_filter = FormDefinition.objects.filter

    def stale(*args, **kwargs):
        found = real_filter(*args, **kwargs)
        return found.none() if set(kwargs) == {"key"} else found

    monkeypatch.setattr(FormDefinition.objects, "filter", stale)
    with pytest.raises(Conflict) as raced:
        make_definition(title="示例表单（修订）")
    assert raced.value.code == "conflict"
    monkeypatch.undo()

    def refused(**kwargs):
        raise IntegrityError("CHECK constraint failed")

    monkeypatch.setattr(services, "record_event", refused)
    with pytest.raises(IntegrityError):
        make_definition(title="示例表单（第三版）")
    assert list(FormDefinition.objects.values_list("version", flat=True)) == [1]
