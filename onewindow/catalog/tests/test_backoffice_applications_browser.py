"""What runs applications, chosen in the catalog back office in a real Chromium, with
the keyboard: an editor binds an item's form and process into its draft, and a platform
admin chooses the newborn event's process of the whole; the pages keep WCAG contrast,
label every control and fit a phone's screen."""

from __future__ import annotations

import pytest

from onewindow.browser import low_contrast, unlabelled_controls
from onewindow.cases.tests.test_browser import officer_page
from onewindow.catalog.models import LifeEvent, ServiceItem
from onewindow.conftest import make_user
from onewindow.forms.tests.conftest import make_definition
from onewindow.identity.roles import Role
from onewindow.workflow.models import ProcessDefinition
from onewindow.workflow.tests.conftest import read_process

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def checked(page) -> None:  # type: ignore[no-untyped-def]
    assert unlabelled_controls(page.locator("main")) == []
    assert low_contrast(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.set_viewport_size({"width": 1280, "height": 800})


def save(page) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.locator("main form button[type=submit]").press("Enter")


@pytest.mark.django_db(transaction=True)
def test_an_editor_binds_an_item_and_an_admin_an_event(browser, live_server, catalog):
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
    page.locator("#id_process").select_option("hukou:1")
    save(page)
    assert page.url.endswith("/backoffice/catalog/life-events/")
    assert LifeEvent.objects.get(code="newborn").process == process
    assert "hukou v1" in page.locator("main table").inner_text()
    page.context.close()
