"""What runs applications, chosen in the catalog back office in a real Chromium, with
the keyboard: an editor binds an item's form and process into its draft, and a platform
admin chooses the newborn event's process of the whole; the pages keep WCAG contrast,
label every control and fit a phone's screen. A refused page (the guide editor, the
application page) puts the focus on its error summary."""

from __future__ import annotations

import pytest

from onewindow.browser import axe_violations, focus_lands_on
from onewindow.cases.tests.test_browser import officer_page
from onewindow.catalog.models import LifeEvent, ServiceItem
from onewindow.conftest import make_user
from onewindow.forms.tests.conftest import make_definition
from onewindow.identity.roles import Role
from onewindow.workflow.models import ProcessDefinition
from onewindow.workflow.tests.conftest import read_process

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def checked(page) -> None:  # type: ignore[no-untyped-def]
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.set_viewport_size({"width": 1280, "height": 800})


def save(page) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.locator("main form button[type=submit]").press("Enter")


@pytest.mark.django_db(transaction=True)
def test_an_editor_binds_an_item_and_an_admin_an_event(
    browser, live_server, catalog, newborn_process
):
    make_definition(key="hukou_form", title="户口登记表")
    process = ProcessDefinition.objects.create(
        key="hukou", version=1, name="户口登记", bpmn_xml=read_process("newborn_hukou.bpmn")
    )
    editor = make_user(roles=[(Role.DEPARTMENT_ADMIN, catalog["GA"])], with_totp=True)
    page = officer_page(browser, live_server, editor)
    page.goto("/backoffice/catalog/items/310000-GA-QR-0001/application/")
    checked(page)
    page.locator("#id_form").select_option("hukou_form:1")
    page.locator("#id_process").select_option("hukou:1")
    save(page)
    assert page.url.endswith("/backoffice/catalog/items/310000-GA-QR-0001/")
    draft = ServiceItem.objects.get(code="310000-GA-QR-0001").versions.order_by("-number")[0]
    assert (str(draft.form), draft.process) == ("hukou_form v1", process)
    page.context.close()

    admin = make_user(roles=[(Role.PLATFORM_ADMIN, catalog["root"])], with_totp=True)
    page = officer_page(browser, live_server, admin)
    page.goto("/backoffice/catalog/life-events/")
    checked(page)
    with page.expect_navigation():
        page.locator("a[href$='/life-events/newborn/process/']").press("Enter")
    checked(page)
    page.locator("#id_process").select_option("newborn:1")
    save(page)
    assert page.url.endswith("/backoffice/catalog/life-events/")
    assert LifeEvent.objects.get(code="newborn").process == newborn_process
    assert "newborn v1" in page.locator("main table").inner_text()
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_a_refused_page_takes_the_focus_to_its_summary_with_every_problem(
    browser, live_server, catalog
):
    """The guide editor: a promised limit over the statutory one is listed with the
    page's other problems at once; the application page: a process without the item's
    department is refused at the process. Both pages put the focus on the summary."""
    editor = make_user(roles=[(Role.DEPARTMENT_ADMIN, catalog["GA"])], with_totp=True)
    page = officer_page(browser, live_server, editor)
    page.goto("/backoffice/catalog/items/310000-GA-XK-0002/edit/")
    page.locator("#id_statutory_limit_days").fill("15")
    page.locator("#id_promised_limit_days").fill("20")
    page.locator("#id_materials-0-name").fill("")
    with page.expect_navigation():
        page.locator("main form button[name=save]").press("Enter")
    assert focus_lands_on(page, ".error-summary")
    links = page.locator(".error-summary a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
        "#id_promised_limit_days",
        "#id_materials-0-name",
    ]
    checked(page)

    ProcessDefinition.objects.create(
        key="birth_certificate",
        version=1,
        name="出生医学证明",
        bpmn_xml=read_process("birth_certificate.bpmn"),
    )
    page.goto("/backoffice/catalog/items/310000-GA-XK-0002/application/")
    page.locator("#id_process").select_option("birth_certificate:1")
    save(page)
    assert focus_lands_on(page, ".error-summary")
    assert page.locator(".error-summary a").get_attribute("href") == "#id_process"
    assert "市公安局" in page.locator("#id_process_error").inner_text()
    assert ServiceItem.objects.get(code="310000-GA-XK-0002").versions.count() == 1
    page.context.close()
