"""Attachments on the production profile's storage: django-storages' S3 backend against
a local S3-compatible server over HTTP (``core.testing.s3_server``). What is stored is
in the bucket under a random name; the entitled read it back through the download view;
a refused or failed upload leaves no object behind."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from onewindow import profiles
from onewindow.config import read_all
from onewindow.conftest import make_user
from onewindow.core.errors import InvalidInput
from onewindow.core.testing import s3_client, s3_server
from onewindow.forms import attachments as attachments_module
from onewindow.forms.attachments import store_attachment
from onewindow.forms.models import Attachment
from onewindow.forms.tests.files import EXE, PDF, upload

pytestmark = pytest.mark.urls("onewindow.forms.tests.urls")


@pytest.fixture
def bucket(settings):
    """The default storage on a fresh bucket; yields a function listing its objects. (A
    new name each time: moto keeps its buckets in the process, across its servers.)"""
    name = f"attachments-{uuid.uuid4().hex[:12]}"
    with s3_server(name) as env:
        settings.STORAGES = {
            **settings.STORAGES,
            "default": profiles.storage_settings(read_all(env)),
        }
        client = s3_client(env)

        def objects() -> dict[str, bytes]:
            listed = client.list_objects_v2(Bucket=name).get("Contents", [])
            return {
                entry["Key"]: client.get_object(Bucket=name, Key=entry["Key"])["Body"].read()
                for entry in listed
            }

        yield objects


@pytest.fixture
def owner(db):
    return make_user()


def test_an_attachment_lands_in_the_bucket_and_only_the_entitled_read_it(sample, owner, bucket):
    attachment = store_attachment(
        owner=owner, definition=sample, slot="scan", upload=upload("出生证明.pdf", PDF)
    )
    [(key, content)] = bucket().items()
    assert key == attachment.file.name and key.startswith("attachments/")
    assert "出生" not in key and content == PDF
    url = reverse("forms:attachment_download", args=[attachment.pk])
    mine = Client()
    mine.force_login(owner)
    response = mine.get(url)
    assert response.status_code == 200
    assert response.getvalue() == PDF
    stranger = Client()
    stranger.force_login(make_user())
    assert stranger.get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("invoice.pdf", EXE, "attachment_type"),
        ("big.pdf", PDF + b"0" * (1024 * 1024), "attachment_too_large"),
    ],
)
def test_a_refused_upload_leaves_no_object(sample, owner, bucket, name, content, code):
    with pytest.raises(InvalidInput) as refused:
        store_attachment(owner=owner, definition=sample, slot="scan", upload=upload(name, content))
    assert refused.value.code == code
    assert bucket() == {} and not Attachment.objects.exists()


def test_a_failed_row_write_removes_the_object(sample, owner, bucket, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(attachments_module, "record_event", broken)
    with pytest.raises(RuntimeError):
        store_attachment(owner=owner, definition=sample, slot="scan", upload=upload("a.pdf", PDF))
    assert bucket() == {} and not Attachment.objects.exists()
