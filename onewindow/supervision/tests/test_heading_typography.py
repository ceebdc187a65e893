"""A department's heading on the supervisor's page is one translatable pattern, so
Chinese can put its counts in full-width brackets (read in English, with a stand-in
catalogue punctuating it as Chinese does)."""

import re

from onewindow.cases.tests.test_case_materials import full_width
from onewindow.cases.tests.timekit import signed_in, travel
from onewindow.supervision.tests.conftest import NOW

URL = "/supervision/time-limits/"
HEADING = "a department's heading with its late cases"


def headings(response) -> list[str]:
    html = response.content.decode()
    return [re.sub(r"\s+", " ", h) for h in re.findall(r"<h2 id=\"dept-[^\"]+\">(.*?)</h2>", html)]


def test_a_departments_heading_is_one_pattern(world, late):
    with travel(NOW):
        client = signed_in(world["supervisor"])
        english = headings(client.get(URL))
        with full_width(HEADING):
            chinese = headings(client.get(URL))
    police = "Shanghai Municipal Public Security Bureau"
    assert english[0] == f'{police} <span class="muted">(2 overdue, 1 at risk)</span>'
    assert chinese[0] == f'{police}<span class="muted">（2 overdue, 1 at risk）</span>'
