"""A HEAD under /api/ is answered as its GET, without the body (RFC 9110, 9.3.2)."""

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from onewindow.core.api_head import ApiHeadMiddleware
from onewindow.core.tests.test_api_errors import bearer

pytestmark = [pytest.mark.django_db, pytest.mark.single_pass]


def test_a_head_has_its_gets_status_and_headers(client, citizen):
    token = bearer(client, citizen)
    got = client.get("/api/v1/me", **token)
    head = client.head("/api/v1/me", **token)
    assert (head.status_code, head.content) == (200, b"")
    assert head["Content-Type"] == got["Content-Type"]
    assert head["Content-Length"] == str(len(got.content))


def test_a_head_on_a_list_gives_its_total(client):
    got = client.get("/api/v1/catalog/items")
    head = client.head("/api/v1/catalog/items")
    assert head.status_code == 200
    assert head["X-Total-Count"] == got["X-Total-Count"]


def test_a_head_is_refused_as_its_get_would_be(client):
    anonymous = client.head("/api/v1/me")
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == "Bearer"
    # An address without GET takes no HEAD either, and says which methods it takes.
    post_only = client.head("/api/v1/auth/token")
    allowed = {method.strip() for method in post_only["Allow"].split(",")}
    assert (post_only.status_code, allowed) == (405, {"POST", "DELETE"})


def _served(response: HttpResponse, method: str = "HEAD", path: str = "/api/v1/me"):
    seen = []

    def view(request):
        seen.append(request.method)
        return response

    request = RequestFactory().generic(method, path)
    answer = ApiHeadMiddleware(view)(request)
    return answer, seen, request


def test_the_middleware_sends_the_get_and_drops_the_body():
    # Django's test client drops a HEAD's body itself; a WSGI server need not.
    answer, seen, request = _served(HttpResponse(b'{"a": 1}', content_type="application/json"))
    assert seen == ["GET"] and request.method == "HEAD"
    assert (answer.content, answer["Content-Length"]) == (b"", "8")
    stream = StreamingHttpResponse(iter([b"x" * 10]))
    answer, seen, _ = _served(stream)
    assert b"".join(answer.streaming_content) == b""


def test_pages_and_other_methods_pass_untouched():
    answer, seen, _ = _served(HttpResponse(b"<p>page</p>"), path="/")
    assert seen == ["HEAD"] and answer.content == b"<p>page</p>"
    answer, seen, _ = _served(HttpResponse(b"{}"), method="POST")
    assert seen == ["POST"] and answer.content == b"{}"
