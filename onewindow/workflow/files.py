"""Uploaded BPMN and DMN files as text: UTF-8, and no more of a file read than could be
within the upload's size limit. The processes API and the back office both read them."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from onewindow.core.errors import InvalidInput
from onewindow.workflow.services import MAX_FILE_CHARS

MAX_FILE_BYTES = MAX_FILE_CHARS * 4  # UTF-8 spends at most 4 bytes a character

# ``services.upload_definition``'s parameters → the upload's file fields (API and page),
# for its field errors.
UPLOAD_FIELDS = {"bpmn_xml": "bpmn", "dmn_files": "dmn"}


def read_text(upload: UploadedFile, field: str) -> str:
    """The file's text, or ``InvalidInput`` naming ``field`` (too large, not UTF-8)."""
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        message = _("The files are too large.")
        raise InvalidInput(message, fields={field: [message]})
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        message = _("The file is not UTF-8 text.")
        raise InvalidInput(message, fields={field: [message]}) from None


def read_decision_files(uploads: Iterable[UploadedFile], field: str) -> dict[str, str]:
    """The DMN files' texts by file name (the process calls their decisions by id, but a
    version keeps the names to download them by); two files of one name are refused
    rather than one silently replacing the other."""
    files: dict[str, str] = {}
    for n, upload in enumerate(uploads):
        name = upload.name or f"decision-{n}.dmn"
        if name in files:
            message = _("Two files are named %(name)s.") % {"name": name}
            raise InvalidInput(message, fields={field: [message]})
        files[name] = read_text(upload, field)
    return files
