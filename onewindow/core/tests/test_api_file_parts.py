"""A multipart part the API reads as a file, sent without a file name
(``onewindow.api.FILE_PARTS``): Django reads it as a text field, and the answer named
what the client had really done, in the caller's language, with nothing stored."""

from __future__ import annotations

import pytest

from onewindow import api
from onewindow.forms.tests.test_api import headers
from onewindow.workflow.models import ProcessDefinition
from onewindow.workflow.tests.conftest import read_process
from onewindow.workflow.tests.test_api import URL as PROCESSES

pytestmark = pytest.mark.single_pass

BOUNDARY = "onewindow-test-boundary"
WITHOUT_A_NAME = {
    "en": (
        "This part came without a file name, so it was not read as a file: send it as a "
        "file, with a filename in its Content-Disposition."
    ),
    "zh-hans": (
        "这一部分没有文件名，因此没有被当作文件读取：请以文件形式发送，并在其 "
        "Content-Disposition 中写明 filename。"
    ),
}


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> bytes:
    """A multipart body written by hand: Django's test client always names its files."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, (filename, content) in files.items():
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def post(client, signed_in, body: bytes, language: str):
    return client.post(
        PROCESSES,
        body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        **{**signed_in, "HTTP_ACCEPT_LANGUAGE": language},
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_file_sent_without_a_name_is_named_as_such(client, city, language):
    _admin, signed_in = headers(client, city)
    # Bytes that are no text: the answer used to be about a control character in them.
    bpmn = read_process("single_department.bpmn").encode() + b"\x1a\x00"
    body = multipart({"key": "permit", "name": "许可"}, {"bpmn": ("", bpmn)})
    response = post(client, signed_in, body, language)
    assert response.status_code == 422, response.content
    assert response.json() == {
        "code": "invalid",
        "message": WITHOUT_A_NAME[language],
        "fields": {"bpmn": [WITHOUT_A_NAME[language]]},
    }
    assert not ProcessDefinition.objects.exists()


def test_each_nameless_file_is_named_and_named_files_still_load(client, city):
    _admin, signed_in = headers(client, city)
    bpmn = read_process("single_department.bpmn").encode()
    nameless = multipart({"key": "permit", "name": "许可"}, {"bpmn": ("", bpmn), "dmn": ("", b"")})
    response = post(client, signed_in, nameless, "en")
    assert list(response.json()["fields"]) == ["bpmn", "dmn"]
    named = multipart({"key": "permit", "name": "许可"}, {"bpmn": ("permit.bpmn", bpmn)})
    assert post(client, signed_in, named, "en").status_code == 201
    assert ProcessDefinition.objects.count() == 1


def test_the_file_parts_are_those_the_openapi_document_reads_as_files(client, db):
    """What the parser takes for a nameless file is every operation's file parts, and no
    operation has a text field of one of those names."""
    schema = client.get("/api/v1/openapi.json").json()
    files: set[str] = set()
    texts: set[str] = set()
    for operation in (op for path in schema["paths"].values() for op in path.values()):
        content = operation.get("requestBody", {}).get("content", {})
        form = content.get("multipart/form-data", {}).get("schema")
        if form is None:
            continue
        if "$ref" in form:
            form = schema["components"]["schemas"][form["$ref"].rsplit("/", 1)[-1]]
        for name, field in form["properties"].items():
            binary = field.get("format") == "binary" or field.get("items", {}).get("format")
            (files if binary else texts).add(name)
    assert files == api.FILE_PARTS
    assert not texts & api.FILE_PARTS
