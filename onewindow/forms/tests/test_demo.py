from io import StringIO

from django.core.management import call_command

from onewindow.forms import queries
from onewindow.forms.demo import demo_definition_files, load_demo_forms
from onewindow.forms.models import FormDefinition
from onewindow.forms.rendering import render_form

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


def test_management_command(db):
    out = StringIO()
    call_command("load_demo_forms", stdout=out)
    assert "7 definition versions added" in out.getvalue()
    out = StringIO()
    call_command("load_demo_forms", stdout=out)
    assert "0 definition versions added" in out.getvalue()
