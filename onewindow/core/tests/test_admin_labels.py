"""Django's admin speaks the interface's language: every app, model, column, filter, form
field and action of ours that it shows is marked for translation, and the index shows the
catalogue's words for them in English and in Chinese (``cases/tests/test_admin_labels.py``
checks a list's columns and filter).

Third-party apps (auth, django_otp...) bring their own translations and are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.options import ModelAdmin
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.test import RequestFactory
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import override

from onewindow.conftest import holder_logged_in
from onewindow.identity.roles import Role

ADMIN = "/django-admin/"


def ours() -> list[tuple[type[Model], ModelAdmin]]:
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_config is not None
        and model._meta.app_config.name.startswith("onewindow.")
    ]


def is_lazy(text: object) -> bool:
    """Marked with ``gettext_lazy``: a plain ``str`` would stay English on every page."""
    return isinstance(text, Promise)


def shown_names(model_admin: ModelAdmin) -> Iterator[str]:
    """The list's columns and the change form's fields, by name (or callable's name)."""
    request = RequestFactory().get(ADMIN)  # an add form's fields need no user
    for item in (*model_admin.list_display, *model_admin.get_fields(request)):
        yield item if isinstance(item, str) else item.__name__


def names_the_id(model: type[Model], name: str) -> bool:
    """The automatic primary key by its name, which Django titles "ID" in every language
    (by its alias "pk", "Pk": a column of ours must name it "id")."""
    pk = model._meta.pk
    return pk is not None and pk.auto_created and name == pk.name


def label_of(model: type[Model], model_admin: ModelAdmin, name: str) -> object:
    """What the admin prints for ``name``: a column's description or a field's name."""
    described = getattr(model_admin, name, None) or getattr(model, name, None)
    if callable(described):
        return getattr(described, "short_description", None)
    try:
        return model._meta.get_field(name).verbose_name
    except FieldDoesNotExist:
        return name  # Django titles it after the attribute's name, in English


def filter_titles(model: type[Model], model_admin: ModelAdmin) -> Iterator[tuple[str, object]]:
    for item in model_admin.list_filter:
        if isinstance(item, type):  # a SimpleListFilter of ours
            yield item.__name__, item.title
            continue
        path = str(item[0] if isinstance(item, tuple) else item)
        field: Any = None
        current: Any = model
        for part in path.split("__"):
            field = current._meta.get_field(part)
            current = field.related_model
        yield path, field.verbose_name


def test_the_admin_shows_models_of_ours():
    assert {model._meta.app_label for model, _ in ours()} >= {"audit", "cases", "workdays"}


@pytest.mark.parametrize(
    ("model", "model_admin"), ours(), ids=[model._meta.label for model, _ in ours()]
)
def test_every_label_the_admin_shows_is_marked_for_translation(model, model_admin):
    opts = model._meta
    assert is_lazy(opts.app_config.verbose_name), opts.app_label
    # Set explicitly: Django's default plural is the English singular plus "s".
    for option in ("verbose_name", "verbose_name_plural"):
        assert is_lazy(opts.original_attrs.get(option)), f"{opts.label}.Meta.{option}"
    for name in shown_names(model_admin):
        if not names_the_id(model, name):
            assert is_lazy(label_of(model, model_admin, name)), f"{opts.label}: {name}"
    for name, title in filter_titles(model, model_admin):
        assert is_lazy(title), f"{opts.label}: filter {name}"
    for action in model_admin.actions or ():
        function = action if callable(action) else getattr(model_admin, action)
        assert is_lazy(function.short_description), f"{opts.label}: action {action}"


@pytest.fixture
def superuser(city):
    """A platform admin (the calendar and the waiting cases are theirs) who is also a
    superuser, so the index lists every model of ours."""
    client, user = holder_logged_in(Role.PLATFORM_ADMIN, city["root"], staff=True)
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    return client


def expected_on_index(language: str) -> set[str]:
    """The app headings and model links of ours, as the catalogue words them in
    ``language`` (the English message id itself while it has no translation)."""
    with override(language):
        words = {str(model._meta.app_config.verbose_name) for model, _ in ours()}
        words |= {str(capfirst(model._meta.verbose_name_plural)) for model, _ in ours()}
    return words


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_admin_index_names_apps_and_models_in_the_interface_language(superuser, language):
    superuser.cookies["django_language"] = language
    page = superuser.get(ADMIN).content.decode()
    missing = {word for word in expected_on_index(language) if f">{word}</a>" not in page}
    assert not missing


def test_the_admin_index_in_english(superuser):
    superuser.cookies["django_language"] = "en"
    page = superuser.get(ADMIN).content.decode()
    for heading in ("Audit log", "Cases", "Notifications", "Working-day calendar"):
        assert f">{heading}</a>" in page
    for model in ("Audit events", "Cases waiting for their process", "Outbox messages"):
        assert f">{model}</a>" in page
    assert "Working days" not in page  # the app's old name, a count of days in Chinese


@pytest.mark.parametrize(
    ("language", "header"), [("en", "OneWindow administration"), ("zh-hans", "一网通办管理后台")]
)
def test_the_admin_is_headed_by_the_platforms_name(superuser, language, header):
    superuser.cookies["django_language"] = language
    page = superuser.get(ADMIN).content.decode()
    assert f">{header}</a>" in page and "Django" not in page.split("<main")[0]
