"""The forms' back office in a real Chromium: a department admin uploads a definition the
platform refuses, reads its problems part by part, uploads a good one and previews the
form as an applicant sees it, in Chinese, on a wide screen and on a phone."""

from __future__ import annotations

import json

import pytest

from onewindow.browser import axe_violations, focus_lands_on
from onewindow.cases.tests.test_browser import officer_page
from onewindow.conftest import make_user
from onewindow.forms.tests.test_backoffice_views import PASSPORT_FILE, passport
from onewindow.identity.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

REMOTE = "https://example.com/reason.json"


# site.css's focus ring (--ow-focus), as Chromium computes the outline's colour.
FOCUS_RING = "rgb(255, 191, 71)"
_RINGED_JS = """
([selector, ring]) => {
  const input = document.querySelector(selector);
  const style = getComputedStyle(input);
  return input.matches(':focus-within') && style.outlineStyle === 'solid'
    && style.outlineColor === ring;
}
"""


def ringed_at_each_stop(page, selector: str, stops: int) -> list[bool]:
    """Whether the control ``selector`` keeps the focus ring at each of its ``stops``
    Tab stops (a date input's parts and its calendar button), from the first."""
    page.locator(selector).focus()
    ringed = [page.evaluate(_RINGED_JS, [selector, FOCUS_RING])]
    for _stop in range(stops - 1):
        page.keyboard.press("Tab")
        ringed.append(page.evaluate(_RINGED_JS, [selector, FOCUS_RING]))
    return ringed


def submit(page) -> None:
    with page.expect_navigation():
        page.locator("main form button[type=submit]").press("Enter")


@pytest.mark.django_db(transaction=True)
def test_an_admin_corrects_a_refused_form_and_previews_it(browser, live_server, city, tmp_path):
    admin = make_user(roles=[(Role.DEPARTMENT_ADMIN, city["police"])], with_totp=True)
    page = officer_page(browser, live_server, admin)
    page.goto("/backoffice/forms/upload/")
    assert axe_violations(page, "main") == []
    broken = passport()
    broken["schema"]["properties"]["reason"]["$ref"] = REMOTE
    broken["attachments"][0]["types"] = ["exe"]
    broken_file = tmp_path / "passport.json"
    broken_file.write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    page.locator("#id_definition").set_input_files(str(broken_file))
    submit(page)
    assert focus_lands_on(page, ".error-summary")
    rows = page.locator("table tbody tr")
    assert rows.count() == 2
    assert REMOTE in rows.nth(0).inner_text()
    assert "pdf, jpg, png" in rows.nth(1).inner_text()
    assert axe_violations(page) == []
    # A file input keeps nothing after a refusal: the admin chooses the corrected file.
    page.locator("#id_definition").set_input_files(str(PASSPORT_FILE))
    submit(page)
    assert page.url.endswith("/backoffice/forms/form/passport/")
    assert "passport" in page.locator(".messages").inner_text()
    preview = page.locator("section[aria-labelledby=preview-title] form.form-preview")
    assert "申请人姓名" in preview.inner_text()  # the form's own question, as applicants read it
    materials = page.locator("section[aria-labelledby=materials-title] table tbody tr")
    assert materials.count() == 2 and "出入境证件数码照片" in materials.first.inner_text()
    assert axe_violations(page) == []
    # The date's four Tab stops keep the ring: on the fourth, the calendar button, it
    # went (QA), leaving Chromium's faint outline.
    assert ringed_at_each_stop(page, "#id_applicant_birth_date", 4) == [True] * 4
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.set_viewport_size({"width": 1280, "height": 800})
    # The admin tries the form's checks: an answer missing is named, as to an applicant.
    preview.locator("#id_applicant_name").fill("王小明")
    with page.expect_navigation():
        preview.locator("button[type=submit]").press("Enter")
    assert focus_lands_on(page, "section[aria-labelledby=preview-title] .error-summary")
    assert page.locator("#id_applicant_name").input_value() == "王小明"
    assert page.locator("#id_applicant_id_number").get_attribute("aria-invalid") == "true"
    page.context.close()
