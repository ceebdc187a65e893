"""Answers a form takes from the applicant's own account (``x-prefill``)."""

from __future__ import annotations

import lxml.html
import pytest
from django.utils import translation
from stdnum.cn import ric

from onewindow.conftest import make_id_number, make_user
from onewindow.core.errors import InvalidInput
from onewindow.forms.demo import demo_definition_files, read_definition
from onewindow.forms.merge import merge_definitions
from onewindow.forms.prefill import NOT_YOURS, SOURCES, not_the_applicants, prefilled
from onewindow.forms.rendering import render_form
from onewindow.forms.schema import check_definition, validate_data
from onewindow.forms.spec import sex_in_id_number
from onewindow.forms.tests.conftest import id_number_of, make_definition, sample_parts

# The passport's answers the account cannot give (the demo form's).
PASSPORT_ANSWERS = {
    "name_pinyin": "LI MING",
    "reason": "first",
    "travel_purpose": "tourism",
    "applicant_phone": "13916200102",
    "emergency_contact_name": "李华",
    "emergency_contact_phone": "13812345678",
    "delivery": "collect",
    "declaration": "true",
}


def with_prefill(**props):
    """The sample definition with these properties' ``x-prefill``, and a sex question."""
    parts = sample_parts()
    parts["schema"]["properties"]["sex"] = {
        "type": "string",
        "title": "性别",
        "enum": ["male", "female"],
    }
    parts["layout"]["sections"][0]["fields"].append("sex")
    for name, source in props.items():
        parts["schema"]["properties"][name]["x-prefill"] = source
    return parts


@pytest.fixture
def passport(db):
    [path] = [p for p in demo_definition_files() if p.name == "passport.json"]
    return make_definition(**read_definition(path))


def test_the_account_fills_what_it_knows(passport):
    number = make_id_number()
    user = make_user(id_number=number, email="li@example.invalid")
    user.phone = "13916200102"
    answers = prefilled(passport, user)
    assert answers == {
        "applicant_name": user.full_name,
        "applicant_id_number": number,
        "applicant_sex": sex_in_id_number(number),
        "applicant_birth_date": ric.get_birth_date(number).isoformat(),
        "applicant_phone": "13916200102",
    }


@pytest.mark.parametrize("sex", ["male", "female"])
def test_the_sex_is_the_one_the_identity_number_holds(passport, sex):
    """The passport asked for the sex its pre-filled identity number holds (QA)."""
    user = make_user(id_number=id_number_of(sex))
    assert prefilled(passport, user)["applicant_sex"] == sex
    html = render_form(passport, data=prefilled(passport, user))
    [chosen] = lxml.html.fromstring(html).xpath("//input[@name='applicant_sex'][@checked]")
    assert chosen.get("value") == sex
    # As the applicant's checked answers, it passes the check against the number.
    assert validate_data(passport, PASSPORT_ANSWERS | prefilled(passport, user))


def test_what_the_account_lacks_is_asked_as_usual(passport):
    user = make_user(id_number=None)
    answers = prefilled(passport, user)
    assert answers == {"applicant_name": user.full_name}  # no number: no birth date, no sex


def test_a_definition_names_only_known_sources_on_answers_they_fit(db):
    check_definition(**with_prefill(full_name="applicant.full_name"))
    check_definition(**with_prefill(sex="applicant.sex"))
    for props, needle in (
        ({"full_name": "applicant.salary"}, "x-prefill must be one of"),
        ({"age": "applicant.full_name"}, "does not fit"),  # an integer
        ({"full_name": "applicant.birth_date"}, "does not fit"),  # not a date
        ({"full_name": "applicant.sex"}, "does not fit"),  # not a choice of the sexes
        ({"colour": "applicant.sex"}, "does not fit"),  # a choice of others
    ):
        with pytest.raises(InvalidInput) as refused:
            check_definition(**with_prefill(**props))
        assert needle in str(refused.value.fields)


def test_every_source_is_a_text_the_demo_forms_use():
    used = set()
    for path in demo_definition_files():
        properties = read_definition(path)["schema"]["properties"]
        used |= {p["x-prefill"] for p in properties.values() if "x-prefill" in p}
    assert used == set(SOURCES)


def test_a_merged_form_fills_a_shared_answer_one_of_its_forms_marks(db):
    plain, marked = with_prefill(), with_prefill(full_name="applicant.full_name")
    for parts in (plain, marked):
        parts["schema"]["properties"]["full_name"]["x-shared"] = True
    merged = merge_definitions([make_definition(**plain), make_definition(key="other", **marked)])
    assert merged.schema["properties"]["full_name"]["x-prefill"] == "applicant.full_name"
    clashing = with_prefill(full_name="applicant.email")
    clashing["schema"]["properties"]["full_name"]["x-shared"] = True
    with pytest.raises(InvalidInput) as refused:
        merge_definitions([make_definition(**marked), make_definition(key="third", **clashing)])
    assert "x-prefill" in str(refused.value.fields)


# --- isApplicants: the applicant's own answer ---------------------------------------


def test_an_answer_marked_the_applicants_must_be_what_their_account_holds(passport):
    """Anyone could apply for a passport under another person's number (QA)."""
    number = make_id_number()
    user = make_user(id_number=number)
    assert not_the_applicants(passport, {"applicant_id_number": number.lower()}, user) == {}
    stranger = not_the_applicants(passport, {"applicant_id_number": make_id_number()}, user)
    assert stranger == {"applicant_id_number": [NOT_YOURS]}
    assert str(NOT_YOURS) == "Enter your own identity number, as registered with your account."
    # An account without a number has nothing an answer could be.
    nobody = make_user(id_number=None)
    assert list(not_the_applicants(passport, {"applicant_id_number": number}, nobody)) == [
        "applicant_id_number"
    ]
    # Unmarked answers the account fills may differ (a phone for this application).
    assert not_the_applicants(passport, {"applicant_phone": "13900000000"}, user) == {}


@pytest.mark.parametrize(
    "prop",
    [
        {"type": "string", "isApplicants": True},  # nothing fills it
        {"type": "string", "x-prefill": "applicant.full_name", "isApplicants": "yes"},
    ],
)
def test_is_applicants_is_true_on_an_answer_the_account_fills(db, prop):
    parts = sample_parts()
    parts["schema"]["properties"]["full_name"] = prop
    with pytest.raises(InvalidInput) as refused:
        check_definition(**parts)
    assert "isApplicants" in str(refused.value.fields)


def test_a_merged_form_keeps_the_mark_of_any_of_its_forms(db):
    marked = sample_parts()
    marked["schema"]["properties"]["full_name"] |= {
        "x-shared": True,
        "x-prefill": "applicant.full_name",
        "isApplicants": True,
    }
    plain = sample_parts()
    plain["schema"]["properties"]["full_name"] |= {"x-shared": True}
    first = make_definition(key="plain_one", **plain)
    second = make_definition(key="marked_one", **marked)
    merged = merge_definitions([first, second], title="合并", title_en="Merged")
    assert merged.schema["properties"]["full_name"]["isApplicants"] is True


def test_the_refusal_says_plainly_whose_number_to_enter(passport, chinese):
    user = make_user(id_number=make_id_number())
    with translation.override("zh-hans"):
        [message] = not_the_applicants(passport, {"applicant_id_number": "x"}, user)[
            "applicant_id_number"
        ]
        assert str(message) == "请填写您本人的身份证号码，须与账户登记的一致。"


def test_another_answer_marked_the_applicants_is_refused_in_words_of_its_own(db):
    parts = with_prefill(full_name="applicant.full_name")
    parts["schema"]["properties"]["full_name"]["isApplicants"] = True
    definition = make_definition(**parts)
    user = make_user()
    wrong = not_the_applicants(definition, {"full_name": "另一个人"}, user)
    assert [str(m) for m in wrong["full_name"]] == ["This must be as registered with your account."]
