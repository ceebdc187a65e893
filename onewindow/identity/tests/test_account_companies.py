"""The companies a user acts for, on their account page: each by its name in the page's
language (the Chinese one, marked as Chinese, when it has no English name) and its
unified social credit code, in brackets of the page's language."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import lxml.html
import pytest
from django.test import Client
from django.utils.translation import trans_real

from onewindow.conftest import make_uscc, make_user
from onewindow.identity.models import LegalPerson, User

pytestmark = pytest.mark.django_db

CONTEXT = "a company's name and its unified social credit code"
# As proposed for the Chinese catalogue, which does not carry it yet.
PROPOSED_ZH = {f"{CONTEXT}\x04%(name)s (%(code)s)": "%(name)s（%(code)s）"}


@contextmanager
def proposed_chinese() -> Iterator[None]:
    """The Chinese catalogue with the proposed text; once the .po file carries it, this
    adds nothing. Put back afterwards."""
    top = trans_real.translation("zh-hans")._catalog._catalogs[0]  # type: ignore[attr-defined]
    saved = {key: top.get(key) for key in PROPOSED_ZH}
    top.update({key: text for key, text in PROPOSED_ZH.items() if key not in top})
    try:
        yield
    finally:
        for key, text in saved.items():
            if text is None:
                top.pop(key, None)
            else:
                top[key] = text


def companies(user: User, language: str) -> list[lxml.html.HtmlElement]:
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(user)
    response = client.get("/account/")
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content)
    title = {"en": "Companies I act for", "zh-hans": "我经办的企业"}[language]
    [heading] = page.xpath("//h3[normalize-space()=$title]", title=title)
    return heading.getnext().xpath("./li")


@pytest.fixture
def agent() -> User:
    user = make_user()
    yunling = LegalPerson.objects.create(
        uscc="91310115MA1FL3K293",
        name="上海云岭数据科技有限公司",
        name_en="Shanghai Yunling Data Technology Co., Ltd.",
        legal_representative="李建国",
    )
    yunling.agents.add(user)
    return user


def test_english_pages_name_the_company_in_english(agent):
    [company] = companies(agent, "en")
    assert (
        company.text_content() == "Shanghai Yunling Data Technology Co., Ltd. (91310115MA1FL3K293)"
    )
    assert not company.xpath(".//*[@lang]")


def test_a_company_without_an_english_name_is_named_in_marked_chinese(agent):
    LegalPerson.objects.update(name_en="")
    [company] = companies(agent, "en")
    assert company.text_content() == "上海云岭数据科技有限公司 (91310115MA1FL3K293)"
    assert [span.text for span in company.xpath(".//span[@lang='zh-Hans']")] == [
        "上海云岭数据科技有限公司"
    ]


def test_chinese_pages_use_full_width_brackets(agent):
    other = LegalPerson.objects.create(uscc=make_uscc(), name="上海示例贸易有限公司")
    other.agents.add(agent)
    with proposed_chinese():
        shown = [li.text_content() for li in companies(agent, "zh-hans")]
    assert sorted(shown) == sorted(
        ["上海云岭数据科技有限公司（91310115MA1FL3K293）", f"上海示例贸易有限公司（{other.uscc}）"]
    )
