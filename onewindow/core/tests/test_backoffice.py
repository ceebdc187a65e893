"""The back offices' shared pieces (core/backoffice.py): a page only for those a check
lets in, a 404 for the others and the login page for strangers; a definition's version
by key and number, a 404 when there is none."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from onewindow.core.backoffice import only_for, version_or_404
from onewindow.workflow import queries
from onewindow.workflow.tests.conftest import upload


def page(request):
    return HttpResponse("inside")


def test_only_those_the_check_lets_in_reach_the_page():
    request = RequestFactory().get("/backoffice/")
    request.user = type("Someone", (), {"is_authenticated": True, "name": "in"})()
    assert only_for(lambda user: user.name == "in")(page)(request).content == b"inside"
    with pytest.raises(Http404):
        only_for(lambda user: False)(page)(request)
    request.user = AnonymousUser()
    assert only_for(lambda user: True)(page)(request).status_code == 302  # to log in


@pytest.mark.django_db
def test_a_version_by_number_or_the_newest(city):
    first = upload("permit", "single_department.bpmn")
    second = upload("permit", "single_department.bpmn")
    exact, latest = queries.definition_version, queries.latest_definition
    assert version_or_404("permit", None, latest, exact) == second
    assert version_or_404("permit", "1", latest, exact) == first
    for key, number in (("permit", "3"), ("permit", "one"), ("other", None)):
        with pytest.raises(Http404):
            version_or_404(key, number, latest, exact)
