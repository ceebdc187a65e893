import pytest
from django.test import Client
from django.urls import reverse

from onewindow.audit.models import AuditEvent
from onewindow.conftest import make_user
from onewindow.forms.attachments import store_attachment
from onewindow.forms.tests.files import PDF, upload

pytestmark = [pytest.mark.urls("onewindow.forms.tests.urls"), pytest.mark.single_pass]
BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def stored(sample, media):
    owner = make_user()
    attachment = store_attachment(
        owner=owner, definition=sample, slot="scan", upload=upload("出生 证明.pdf", PDF)
    )
    return owner, attachment


def client_for(user):
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def url(attachment):
    return reverse("forms:attachment_download", args=[attachment.pk])


def test_the_owner_downloads_it(stored):
    owner, attachment = stored
    response = client_for(owner).get(url(attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(action="forms.attachment_read").count() == 1


def test_others_get_404(stored):
    _, attachment = stored
    response = client_for(make_user()).get(url(attachment))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="forms.attachment_read").exists()


def test_a_missing_attachment_is_404_too(stored):
    owner, attachment = stored
    missing = reverse("forms:attachment_download", args=[attachment.pk + 1000])
    response = client_for(owner).get(missing)
    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(stored):
    _, attachment = stored
    response = Client().get(url(attachment))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_only_get(stored):
    owner, attachment = stored
    assert client_for(owner).post(url(attachment)).status_code == 405
