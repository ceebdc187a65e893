"""What a synonym's words may be (``services.save_synonym``): not only invisible
characters (a zero-width space was listed as an empty entry), no control character,
at most the column's length, each refused at its field with our own message. A cycle
(aa → bb, then bb → aa) is kept: search expands what was typed once, never what a
synonym added, so the two words only find each other."""

from __future__ import annotations

import pytest
from django.utils import translation

from onewindow.catalog import queries, services
from onewindow.catalog.models import Synonym
from onewindow.conftest import holder_logged_in, make_user
from onewindow.core.errors import InvalidInput, NotFound
from onewindow.identity.roles import Role


@pytest.fixture
def city_admin(catalog):  # type: ignore[no-untyped-def]
    return make_user(roles=[(Role.PLATFORM_ADMIN, catalog["root"])])


def saved() -> list[tuple[str, str]]:
    return list(Synonym.objects.values_list("term", "canonical"))


@pytest.mark.parametrize(
    ("term", "canonical", "field", "message"),
    [
        ("\u200b", "出生", "term", "This field is required."),
        (" \u200d\ufeff ", "出生", "term", "This field is required."),
        ("生孩子", "\u200b", "canonical", "This field is required."),
        ("生\x00孩子", "出生", "term", "Remove the control character U+0000"),
        ("生孩子", "出\x01生", "canonical", "Remove the control character U+0001"),
        ("字" * 41, "出生", "term", "At most 40 characters."),
        ("生孩子", "字" * 81, "canonical", "At most 80 characters."),
    ],
)
def test_a_word_that_shows_nothing_or_cannot_be_stored_is_refused_at_its_field(
    city_admin, term, canonical, field, message
):
    before = saved()
    with translation.override("en"):
        with pytest.raises(InvalidInput) as refused:
            services.save_synonym(actor=city_admin, term=term, canonical=canonical)
        assert list(refused.value.fields) == [field]
        assert str(refused.value.fields[field][0]).startswith(message)
    assert saved() == before


def test_words_at_their_limits_are_saved(city_admin):
    services.save_synonym(actor=city_admin, term="字" * 40, canonical="词" * 80)
    assert Synonym.objects.get(term="字" * 40).canonical == "词" * 80


def test_a_cycle_is_kept_and_each_word_finds_the_other(city_admin):
    services.save_synonym(actor=city_admin, term="户口", canonical="户籍")
    services.save_synonym(actor=city_admin, term="户籍", canonical="户口")
    assert queries.search("户口").expanded == ["户籍"]
    assert queries.search("户籍").expanded == ["户口"]


def test_deleting_a_word_holding_a_nul_finds_none(city_admin):
    """PostgreSQL refuses to look for text holding a NUL (a 500)."""
    with pytest.raises(NotFound):
        services.delete_synonym(actor=city_admin, term="户口\x00")


def test_the_back_office_refuses_an_invisible_word(catalog):
    client, _user = holder_logged_in(Role.PLATFORM_ADMIN, catalog["root"])
    client.cookies["django_language"] = "en"
    before = saved()
    response = client.post("/backoffice/catalog/synonyms/", {"term": "\u200b", "canonical": "出生"})
    assert response.status_code == 422
    assert response.context["form"].errors["term"] == ["This field is required."]
    assert saved() == before


@pytest.mark.parametrize(
    ("term", "message"),
    [
        ("户\x00口", "请删除控制字符"),  # Django's said "不允许是用空字符串"
        ("字" * 41, "最多 40 个字符"),  # Django's said "确保该变量包含不超过 40 字符"
    ],
)
def test_the_back_office_says_what_is_wrong_in_its_own_words(catalog, term, message):
    client, _user = holder_logged_in(Role.PLATFORM_ADMIN, catalog["root"])
    client.cookies["django_language"] = "zh-hans"
    before = saved()
    response = client.post("/backoffice/catalog/synonyms/", {"term": term, "canonical": "出生"})
    assert response.status_code == 422
    [error] = response.context["form"].errors["term"]
    assert message in error
    assert saved() == before
