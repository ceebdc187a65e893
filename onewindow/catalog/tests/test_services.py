import pytest
from django.utils import translation

from onewindow.audit.models import AuditEvent
from onewindow.catalog import imports, queries, reviews, services
from onewindow.catalog.choices import VersionStatus
from onewindow.catalog.models import ServiceItem, ServiceItemVersion, Synonym
from onewindow.catalog.rows import ImportRejected
from onewindow.catalog.tests.conftest import ITEMS
from onewindow.conftest import make_user
from onewindow.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onewindow.identity.roles import Role

pytestmark = pytest.mark.django_db


def editable(code: str = "310000-GA-QR-0001", **changes):
    from onewindow.catalog.transfer import version_as_dict

    data = version_as_dict(queries.published_version(code))
    data.update(changes)
    return data


@pytest.fixture
def admins(catalog):
    return {
        "ga": make_user(roles=[(Role.DEPARTMENT_ADMIN, catalog["GA"])]),
        "ga2": make_user(roles=[(Role.DEPARTMENT_ADMIN, catalog["GA"])]),
        "sj": make_user(roles=[(Role.DEPARTMENT_ADMIN, catalog["SJ"])]),
        "city": make_user(roles=[(Role.PLATFORM_ADMIN, catalog["root"])]),
        "ga_reviewer": make_user(roles=[(Role.REVIEWING_OFFICER, catalog["GA"])]),
    }


def test_draft_review_publish_cycle(admins):
    ga, ga2 = admins["ga"], admins["ga2"]
    draft = services.save_draft(actor=ga, data=editable(promised_limit_days=3))
    assert (draft.number, draft.status) == (2, VersionStatus.DRAFT)
    # Citizens still see version 1 until the review.
    assert queries.published_version("310000-GA-QR-0001").promised_limit_days == 5
    reviews.submit_for_review(actor=ga, code="310000-GA-QR-0001")
    with pytest.raises(Forbidden):
        reviews.review_version(actor=ga, code="310000-GA-QR-0001", approve=True)
    reviews.review_version(actor=ga2, code="310000-GA-QR-0001", approve=True)
    published = queries.published_version("310000-GA-QR-0001")
    assert (published.number, published.promised_limit_days) == (2, 3)
    assert ServiceItemVersion.objects.get(item__code="310000-GA-QR-0001", number=1).status == (
        VersionStatus.SUPERSEDED
    )
    actions = list(
        AuditEvent.objects.filter(target_id=str(published.item.pk)).values_list("action", "outcome")
    )
    assert ("catalog.draft_saved", "success") in actions
    assert ("catalog.submitted", "success") in actions
    assert ("catalog.reviewed", "denied") in actions
    assert ("catalog.published", "success") in actions


@pytest.mark.parametrize("change", ["guide", "application"])
def test_who_changed_a_draft_may_not_review_it_whoever_submitted_it(admins, change):
    # QA: ga2 chose the form and process of ga's draft, ga submitted it, and ga2
    # approved their own change. Any change bars its editor, the guide's or the binding.
    ga, ga2, code = admins["ga"], admins["ga2"], "310000-GA-QR-0001"
    services.save_draft(actor=ga, data=editable())
    if change == "guide":
        services.save_draft(actor=ga2, data=editable(legal_basis="《条例》第八条"))
    else:
        services.bind_application(actor=ga2, code=code, form=None, process=None)
    reviews.submit_for_review(actor=ga, code=code)
    draft = queries.open_version(ServiceItem.objects.get(code=code))
    assert sorted(draft.editor_ids) == sorted([ga.pk, ga2.pk])
    with pytest.raises(Forbidden) as refused:
        reviews.review_version(actor=ga2, code=code, approve=True)
    with translation.override("en"):
        assert "a draft you submitted or changed" in str(refused.value.message)
    assert AuditEvent.objects.filter(
        action="catalog.reviewed", outcome="denied", actor_id=ga2.pk
    ).exists()
    assert queries.published_version(code).number == 1
    # A third editor, who changed nothing, reviews it.
    reviews.review_version(actor=admins["city"], code=code, approve=True)
    assert queries.published_version(code).number == 2


@pytest.mark.parametrize(
    "attempt",
    [
        lambda actor: services.bind_application(
            actor=actor, code="310000-GA-QR-0001", form=None, process=None
        ),
        lambda actor: reviews.submit_for_review(actor=actor, code="310000-GA-QR-0001"),
        lambda actor: reviews.review_version(actor=actor, code="310000-GA-QR-0001", approve=True),
        lambda actor: reviews.withdraw_from_review(actor=actor, code="310000-GA-QR-0001"),
        lambda actor: services.save_draft(actor=actor, data=editable()),
    ],
    ids=["bind", "submit", "review", "withdraw", "save"],
)
def test_another_departments_attempt_is_refused_on_record(admins, attempt):
    before = AuditEvent.objects.filter(outcome="denied", actor_id=admins["sj"].pk).count()
    with pytest.raises(Forbidden):
        attempt(admins["sj"])
    assert AuditEvent.objects.filter(outcome="denied", actor_id=admins["sj"].pk).count() == (
        before + 1
    )


def test_the_migration_reads_each_open_drafts_editors_from_the_audit_log(admins):
    import importlib

    from django.apps import apps

    ga, ga2, code = admins["ga"], admins["ga2"], "310000-GA-QR-0001"
    services.save_draft(actor=ga, data=editable())
    services.bind_application(actor=ga2, code=code, form=None, process=None)
    reviews.submit_for_review(actor=ga, code=code)
    ServiceItemVersion.objects.update(editor_ids=[])  # as before the field
    migration = importlib.import_module("onewindow.catalog.migrations.0009_version_editor_ids")
    migration.read_the_editors(apps, None)
    draft = queries.open_version(ServiceItem.objects.get(code=code))
    assert sorted(draft.editor_ids) == sorted([ga.pk, ga2.pk])
    assert queries.published_version(code).editor_ids == []  # nobody reviews it again


def test_returned_draft_keeps_the_comment_and_can_be_resubmitted(admins):
    services.save_draft(actor=admins["ga"], data=editable())
    reviews.submit_for_review(actor=admins["ga"], code="310000-GA-QR-0001")
    with pytest.raises(InvalidInput):
        reviews.review_version(actor=admins["ga2"], code="310000-GA-QR-0001", approve=False)
    returned = reviews.review_version(
        actor=admins["ga2"], code="310000-GA-QR-0001", approve=False, comment="法律依据要写到条"
    )
    assert returned.status == VersionStatus.REJECTED
    assert returned.last_review is not None
    assert returned.last_review.comment == "法律依据要写到条"
    again = services.save_draft(actor=admins["ga"], data=editable(legal_basis="《条例》第七条"))
    assert again.pk == returned.pk and again.status == VersionStatus.DRAFT


def test_binding_into_a_returned_draft_makes_it_a_draft_again(admins):
    services.save_draft(actor=admins["ga"], data=editable())
    reviews.submit_for_review(actor=admins["ga"], code="310000-GA-QR-0001")
    reviews.review_version(
        actor=admins["ga2"], code="310000-GA-QR-0001", approve=False, comment="请绑定申请表"
    )
    bound = services.bind_application(
        actor=admins["ga"], code="310000-GA-QR-0001", form=None, process=None
    )
    # A draft again, which keeps what its reviewer said until the next review.
    assert (bound.status, bound.author) == (VersionStatus.DRAFT, admins["ga"])
    assert queries.last_return(bound).comment == "请绑定申请表"


def test_draft_under_review_cannot_be_edited(admins):
    services.save_draft(actor=admins["ga"], data=editable())
    reviews.submit_for_review(actor=admins["ga"], code="310000-GA-QR-0001")
    with pytest.raises(Conflict):
        services.save_draft(actor=admins["ga2"], data=editable())


@pytest.mark.parametrize(
    ("who", "code", "allowed"),
    [
        ("ga", "310000-GA-QR-0001", True),
        ("sj", "310000-GA-QR-0001", False),
        ("ga", "310000-SJ-XK-0001", False),
        ("city", "310000-SJ-XK-0001", True),
        ("ga_reviewer", "310000-GA-QR-0001", False),
    ],
)
def test_department_scoped_editing(admins, who, code, allowed):
    actor = admins[who]
    if allowed:
        assert services.save_draft(actor=actor, data=editable(code)).status == "draft"
    else:
        before = ServiceItemVersion.objects.count()
        with pytest.raises(Forbidden):
            services.save_draft(actor=actor, data=editable(code))
        # A published item is anyone's to read: refused as not theirs, not hidden.
        with pytest.raises(Forbidden):
            reviews.submit_for_review(actor=actor, code=code)
        assert ServiceItemVersion.objects.count() == before


def test_bad_draft_saves_nothing(admins):
    before = ServiceItemVersion.objects.count()
    with pytest.raises(InvalidInput) as excinfo:
        services.save_draft(actor=admins["ga"], data=editable(name="", online_level=9))
    assert {"name", "online_level"} <= set(excinfo.value.fields)
    assert ServiceItemVersion.objects.count() == before


def test_a_bad_draft_is_told_of_its_unknown_codes_with_its_other_problems(admins):
    with pytest.raises(InvalidInput) as excinfo:
        services.save_draft(actor=admins["ga"], data=editable(name="", topics=["no-such-topic"]))
    assert {"name", "topics"} <= set(excinfo.value.fields)


def test_item_keeps_its_department(admins, catalog):
    with pytest.raises(InvalidInput):
        services.save_draft(actor=admins["city"], data=editable(department="310000-SJ"))


def test_new_item_by_department_admin(admins):
    row = dict(ITEMS[0], code="310000-GA-QR-0099", department="310000-GA", name="户口迁移")
    version = services.save_draft(actor=admins["ga"], data=row)
    assert version.number == 1 and version.item.published is None


def test_import_is_all_or_nothing(admins):
    good = dict(ITEMS[0], code="310000-GA-QR-0050", department="310000-GA")
    bad = dict(
        ITEMS[0], code="310000-GA-QR-0051", department="310000-GA", statutory_limit_days="soon"
    )
    unknown = dict(ITEMS[0], code="310000-XX-QR-0001", department="310000-XX")
    before = (ServiceItem.objects.count(), ServiceItemVersion.objects.count())
    with pytest.raises(ImportRejected) as excinfo:
        imports.import_items(actor=admins["ga"], rows=[good, bad, unknown], source="json")
    rows = {(e.row, e.field) for e in excinfo.value.rows}
    assert (2, "statutory_limit_days") in rows
    assert (3, "department") in rows
    assert (ServiceItem.objects.count(), ServiceItemVersion.objects.count()) == before


def test_import_creates_drafts_awaiting_review(admins):
    row = dict(ITEMS[0], code="310000-GA-QR-0060", department="310000-GA")
    [version] = imports.import_items(actor=admins["ga"], rows=[row], source="json").staged
    assert version.status == VersionStatus.IN_REVIEW
    assert AuditEvent.objects.filter(action="catalog.imported").exists()


def test_import_refuses_other_departments_rows(admins):
    row = dict(ITEMS[0], code="310000-SJ-QR-0060", department="310000-SJ")
    with pytest.raises(ImportRejected) as excinfo:
        imports.import_items(actor=admins["ga"], rows=[row], source="json")
    assert excinfo.value.rows[0].field == "department"


def test_synonyms_are_audited_and_searchable(admins):
    services.save_synonym(actor=admins["city"], term="拿户口", canonical="户口")
    assert Synonym.objects.filter(term="拿户口").exists()
    assert AuditEvent.objects.filter(action="catalog.synonym_saved").exists()
    result = queries.search("拿户口")
    assert result.hits[0].document.key == "310000-GA-QR-0001"
    services.delete_synonym(actor=admins["city"], term="拿户口")
    assert "户口" not in queries.search("拿户口").expanded


@pytest.mark.parametrize("who", ["ga", "sj", "ga_reviewer"])
def test_a_departments_people_do_not_change_the_citys_synonyms(admins, who):
    """A synonym changes the whole city's search at once, without review: one
    department's admin could send its words to their items (QA)."""
    Synonym.objects.create(term="办执照", canonical="营业执照")
    with pytest.raises(Forbidden):
        services.save_synonym(actor=admins[who], term="办执照", canonical="护照")
    with pytest.raises(Forbidden):
        services.delete_synonym(actor=admins[who], term="办执照")
    assert Synonym.objects.get(term="办执照").canonical == "营业执照"


def test_seeding_twice_adds_nothing(catalog):
    assert services.seed_items(rows=ITEMS, source="test") == 0


def test_binding_the_application_form_and_process(admins):
    from onewindow.forms.demo import load_demo_forms
    from onewindow.forms.queries import latest_definition

    load_demo_forms()
    form = latest_definition("newborn_hukou")
    published = services.bind_application(
        actor=None, code="310000-GA-QR-0001", form=form, process=None
    )
    assert published.status == VersionStatus.PUBLISHED and published.form == form
    # An editor's later draft keeps the binding; the editor's own change goes to review.
    draft = services.save_draft(actor=admins["ga"], data=editable())
    assert draft.form == form
    services.bind_application(actor=admins["ga"], code="310000-GA-QR-0001", form=None, process=None)
    draft.refresh_from_db()
    assert draft.form is None
    assert queries.published_version("310000-GA-QR-0001").form == form
    assert AuditEvent.objects.filter(action="catalog.application_bound").count() == 2
    with pytest.raises(Forbidden):
        services.bind_application(
            actor=admins["sj"], code="310000-GA-QR-0001", form=None, process=None
        )
    # An item never published stays unseen by other departments.
    police = ServiceItem.objects.get(code="310000-GA-QR-0001").department
    ServiceItem.objects.create(code="310000-GA-QR-0009", department=police)
    with pytest.raises(NotFound):
        services.bind_application(
            actor=admins["sj"], code="310000-GA-QR-0009", form=None, process=None
        )


def test_binding_a_life_events_process_of_the_whole(catalog):
    from onewindow.catalog.models import LifeEvent
    from onewindow.workflow.models import ProcessDefinition
    from onewindow.workflow.tests.conftest import read_process

    event = LifeEvent.objects.first()
    assert event is not None and event.process is None
    process = ProcessDefinition.objects.create(
        key="whole", version=1, name="一件事", bpmn_xml=read_process("newborn.bpmn")
    )
    services.bind_event_process(code=event.code, process=process)
    event.refresh_from_db()
    assert event.process == process
    services.bind_event_process(code=event.code, process=None)
    event.refresh_from_db()
    assert event.process is None
    bound = AuditEvent.objects.filter(action="catalog.event_process_bound").order_by("seq")
    assert [e.detail["process"] for e in bound] == ["whole v1", None]
    with pytest.raises(NotFound):
        services.bind_event_process(code="no-such-event", process=None)


@pytest.mark.django_db(transaction=True)
def test_a_review_outside_any_transaction_is_refused_on_record(admins):
    """As a request runs it (no transaction around the service): the draft is read under
    its row lock inside the service's own transaction, and the refusal is kept."""
    ga = admins["ga"]
    services.save_draft(actor=ga, data=editable(promised_limit_days=3))
    reviews.submit_for_review(actor=ga, code="310000-GA-QR-0001")
    with pytest.raises(Forbidden):
        reviews.review_version(actor=ga, code="310000-GA-QR-0001", approve=True)
    assert AuditEvent.objects.filter(action="catalog.reviewed", outcome="denied").count() == 1


ENGLISH_TEXTS = {
    "legal_basis_en": "Regulations on Household Registration, Article 7",
    "conditions_en": "One parent holds Shanghai household registration.",
    "fee_basis_en": "",
}


def english_guide(code: str = "310000-GA-QR-0001"):
    data = editable(code, **ENGLISH_TEXTS)
    data["offices"] = [{**o, "hours_en": "Monday to Friday 9:00-17:00"} for o in data["offices"]]
    data["materials"] = [
        {**m, "notes_en": "The original", "certificate_type_en": ""} for m in data["materials"]
    ]
    return data


def test_a_draft_copied_for_a_binding_keeps_the_english_guide_texts(admins):
    from onewindow.catalog.transfer import version_as_dict

    services.save_draft(actor=admins["ga"], data=english_guide())
    reviews.submit_for_review(actor=admins["ga"], code="310000-GA-QR-0001")
    reviews.review_version(actor=admins["ga2"], code="310000-GA-QR-0001", approve=True)
    published = queries.published_version("310000-GA-QR-0001")
    assert published.conditions_en == ENGLISH_TEXTS["conditions_en"]
    # Binding copies the published guide into a new draft: all of it, English included.
    draft = services.bind_application(
        actor=admins["ga"], code="310000-GA-QR-0001", form=None, process=None
    )
    copied, original = version_as_dict(draft), version_as_dict(published)
    assert copied == original
    assert copied["legal_basis_en"] == ENGLISH_TEXTS["legal_basis_en"]
    assert copied["offices"][0]["hours_en"] == "Monday to Friday 9:00-17:00"
    assert copied["materials"][0]["notes_en"] == "The original"


# --- withdrawing a draft from review -------------------------------------------------


def awaiting_review(author, code: str = "310000-GA-QR-0001") -> ServiceItemVersion:
    services.save_draft(actor=author, data=editable(code, promised_limit_days=3))
    return reviews.submit_for_review(actor=author, code=code)


def test_the_author_withdraws_a_draft_awaiting_review(admins):
    ga = admins["ga"]
    submitted = awaiting_review(ga)
    assert [v.pk for v in queries.review_queue(admins["ga2"])] == [submitted.pk]
    withdrawn = reviews.withdraw_from_review(actor=ga, code="310000-GA-QR-0001")
    withdrawn.refresh_from_db()
    assert (withdrawn.pk, withdrawn.status, withdrawn.author) == (
        submitted.pk,
        VersionStatus.DRAFT,
        ga,
    )
    # Off the reviewers' queue; the citizens' guide is as it was.
    assert list(queries.review_queue(admins["ga2"])) == []
    assert queries.published_version("310000-GA-QR-0001").number == 1
    [event] = AuditEvent.objects.filter(action="catalog.withdrawn")
    assert (event.actor_id, event.outcome, event.detail) == (
        ga.pk,
        "success",
        {"version": submitted.number},
    )
    assert event.target_id == str(submitted.item.pk)
    # An editable draft again: corrected, then submitted anew.
    corrected = services.save_draft(actor=ga, data=editable(promised_limit_days=2))
    assert (corrected.pk, corrected.status) == (submitted.pk, VersionStatus.DRAFT)
    reviews.submit_for_review(actor=ga, code="310000-GA-QR-0001")
    assert [v.pk for v in queries.review_queue(admins["ga2"])] == [submitted.pk]


def test_a_withdrawn_draft_keeps_an_earlier_reviewers_comment(admins):
    awaiting_review(admins["ga"])
    reviews.review_version(
        actor=admins["ga2"], code="310000-GA-QR-0001", approve=False, comment="请写明条款"
    )
    reviews.submit_for_review(actor=admins["ga"], code="310000-GA-QR-0001")
    withdrawn = reviews.withdraw_from_review(actor=admins["ga"], code="310000-GA-QR-0001")
    assert withdrawn.status == VersionStatus.DRAFT
    assert queries.last_return(withdrawn).comment == "请写明条款"


@pytest.mark.parametrize(
    ("decision", "approve"), [("returned", False), ("published", True), ("withdrawn", None)]
)
def test_a_draft_no_longer_awaiting_review_cannot_be_withdrawn(admins, decision, approve):
    """A reviewer (or the author, in another tab) decided first."""
    awaiting_review(admins["ga"])
    if approve is None:
        reviews.withdraw_from_review(actor=admins["ga"], code="310000-GA-QR-0001")
    else:
        reviews.review_version(
            actor=admins["ga2"], code="310000-GA-QR-0001", approve=approve, comment="意见"
        )
    before = AuditEvent.objects.count()
    with pytest.raises(Conflict) as refused:
        reviews.withdraw_from_review(actor=admins["ga"], code="310000-GA-QR-0001")
    assert str(refused.value.message) == str(reviews.NOT_AWAITING_REVIEW)
    assert AuditEvent.objects.count() == before
    assert not AuditEvent.objects.filter(action="catalog.withdrawn", outcome="denied").exists()


def test_a_draft_never_submitted_cannot_be_withdrawn(admins):
    services.save_draft(actor=admins["ga"], data=editable())
    with pytest.raises(Conflict):
        reviews.withdraw_from_review(actor=admins["ga"], code="310000-GA-QR-0001")


@pytest.mark.parametrize(
    ("who", "refusal", "on_record"),
    [
        ("ga", None, False),  # the author
        ("ga2", Forbidden, True),  # another editor of the department: may review it
        ("sj", Forbidden, True),  # an editor of another department: not theirs at all
        ("ga_reviewer", Forbidden, True),  # a reviewing officer of cases, not an editor
        ("city", Forbidden, True),  # the platform admin: may review it
    ],
)
def test_only_the_author_withdraws(admins, who, refusal, on_record):
    submitted = awaiting_review(admins["ga"])
    actor = admins[who]
    if refusal is None:
        reviews.withdraw_from_review(actor=actor, code="310000-GA-QR-0001")
        expected = VersionStatus.DRAFT
    else:
        with pytest.raises(refusal):
            reviews.withdraw_from_review(actor=actor, code="310000-GA-QR-0001")
        expected = VersionStatus.IN_REVIEW
    submitted.refresh_from_db()
    assert submitted.status == expected
    # Every refusal is on record: as the draft's reader, or as no editor of the item.
    denied = AuditEvent.objects.filter(action="catalog.withdrawn", outcome="denied")
    assert list(denied.values_list("actor_id", flat=True)) == ([actor.pk] if on_record else [])


def test_the_withdrawal_and_its_audit_record_are_one_transaction(admins, monkeypatch):
    submitted = awaiting_review(admins["ga"])

    def broken(**kwargs):
        raise RuntimeError("the audit chain is unavailable")

    monkeypatch.setattr(reviews, "record_event", broken)
    with pytest.raises(RuntimeError):
        reviews.withdraw_from_review(actor=admins["ga"], code="310000-GA-QR-0001")
    submitted.refresh_from_db()
    assert submitted.status == VersionStatus.IN_REVIEW


@pytest.mark.django_db(transaction=True)
def test_a_refused_withdrawal_outside_any_transaction_stays_on_record(admins):
    """As a request runs it: the refusal is recorded in the service's transaction, which
    commits, and raised after it."""
    awaiting_review(admins["ga"])
    with pytest.raises(Forbidden):
        reviews.withdraw_from_review(actor=admins["ga2"], code="310000-GA-QR-0001")
    assert AuditEvent.objects.filter(action="catalog.withdrawn", outcome="denied").count() == 1
    draft = queries.open_version(ServiceItem.objects.get(code="310000-GA-QR-0001"))
    assert draft is not None and draft.status == VersionStatus.IN_REVIEW
