import re
from io import StringIO

import pytest
from django.core.management import call_command

from onewindow.forms import queries
from onewindow.forms.demo import demo_definition_files, load_demo_forms, read_definition
from onewindow.forms.models import FormDefinition
from onewindow.forms.rendering import render_form
from onewindow.forms.spec import widget_for

DEMO_KEYS = {
    "birth_certificate",
    "newborn_hukou",
    "newborn_insurance",
    "social_security_card",
    "company_registration",
    "passport",
    "unemployment_benefit",
}


def test_demo_forms_load_once(db):
    assert {path.stem for path in demo_definition_files()} >= DEMO_KEYS
    created = load_demo_forms()
    assert created == len(demo_definition_files())
    assert load_demo_forms() == 0
    assert set(FormDefinition.objects.values_list("key", flat=True)) >= DEMO_KEYS
    assert not FormDefinition.objects.exclude(version=1).exists()


def test_every_demo_form_renders(db):
    load_demo_forms()
    for key in DEMO_KEYS:
        html = render_form(queries.latest_definition(key))
        assert 'class="form-section"' in html


def demo_labels(document, english):
    """Each question's label as the form shows it, in English or Chinese."""
    hints = document["layout"].get("fields", {})
    return {
        name: (english and hints.get(name, {}).get("label_en")) or prop["title"]
        for name, prop in document["schema"]["properties"].items()
    }


@pytest.mark.parametrize("path", demo_definition_files(), ids=lambda path: path.stem)
def test_no_two_questions_of_a_demo_form_share_a_label(path):
    document = read_definition(path)
    for english in (False, True):
        labels = demo_labels(document, english)
        repeated = sorted(
            label for label in labels.values() if list(labels.values()).count(label) > 1
        )
        assert not repeated, (path.stem, repeated)


@pytest.mark.parametrize("path", demo_definition_files(), ids=lambda path: path.stem)
def test_no_section_of_a_demo_form_is_titled_as_one_of_its_questions(path):
    document = read_definition(path)
    for section in document["layout"]["sections"]:
        for english in (False, True):
            labels = demo_labels(document, english)
            title = (english and section.get("title_en")) or section["title"]
            assert title not in [labels[name] for name in section["fields"]], (path.stem, title)


def test_the_company_forms_people_are_told_apart_in_english():
    [path] = [p for p in demo_definition_files() if p.stem == "company_registration"]
    labels = demo_labels(read_definition(path), english=True)
    assert labels["legal_rep_name"] == "Legal representative's full name"
    assert labels["agent_name"] == "Agent's full name"
    assert labels["legal_rep_id_number"] == "Legal representative's identity number"
    assert labels["agent_id_number"] == "Agent's identity number"


def test_the_passport_photos_hint_asks_for_the_upload_the_form_takes():
    """It told the applicant to get a receipt number at a photo point, which the form
    has no question for (QA)."""
    [path] = [p for p in demo_definition_files() if p.stem == "passport"]
    [photo] = [slot for slot in read_definition(path)["attachments"] if slot["key"] == "photo"]
    assert photo["help"].startswith("请上传") and photo["help_en"].startswith("Upload")
    assert "回执" not in photo["help"] and "receipt" not in photo["help_en"]


def test_no_demo_date_of_birth_or_of_leaving_a_job_may_be_in_the_future():
    dates = {
        (path.stem, name): prop
        for path in demo_definition_files()
        for name, prop in read_definition(path)["schema"]["properties"].items()
        if prop.get("format") == "date"
    }
    assert dates  # the birth dates, the date a job ended
    for where, prop in dates.items():
        assert prop.get("notAfter") == "today", where


# A date written out ("2025-03-07", "YYYY-MM-DD", "年/月/日"): a format to type.
WRITTEN_DATE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}|YYYY|yyyy|年-月-日|年/月/日")


@pytest.mark.parametrize("path", demo_definition_files(), ids=lambda path: path.stem)
def test_no_hint_of_a_demo_date_picker_gives_a_format_to_type(path):
    """A date question is drawn as the browser's date picker (``type="date"``), which
    shows and takes the day in the reader's own format (month/day/year in an American
    English browser): a hint such as "For example, 2025-03-07" names one it won't use.
    A date asked in a plain text box (``"widget": "text"``) may still show one."""
    document = read_definition(path)
    hints = document["layout"].get("fields", {})
    for name, prop in document["schema"]["properties"].items():
        field = hints.get(name, {})
        if widget_for(prop, field) != "date":
            continue
        for key in ("help", "help_en"):
            assert not WRITTEN_DATE.search(field.get(key, "")), (path.stem, name, key)


def test_management_command(db, settings):
    settings.DEMO = True
    out = StringIO()
    call_command("load_demo_forms", stdout=out)
    assert "7 definition versions added" in out.getvalue()
    out = StringIO()
    call_command("load_demo_forms", stdout=out)
    assert "0 definition versions added" in out.getvalue()
