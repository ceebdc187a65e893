"""Storing and opening uploaded attachments.

Every check happens before anything is written, so a refused upload leaves no row and
no file; only the refusal's audit record remains. The type is recognised by content
(``filetypes.detect_type``) and the name's extension must agree with it. Files go
through Django's storage API (``default_storage``: local disk in the embedded profile,
S3-compatible storage in production) under random names; the applicant's file name is
kept, cleaned, only as ``original_name`` for the download.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
import uuid
from collections.abc import Mapping
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from onewindow.audit.services import record_event, refused
from onewindow.core.errors import InvalidInput, NotFound
from onewindow.forms import permissions
from onewindow.forms.filetypes import FILE_TYPES, HEAD_BYTES, MB, detect_type, slot_max_mb
from onewindow.forms.merge import MergedForm
from onewindow.forms.models import Attachment, FormDefinition

UPLOAD_PREFIX = "upload-"
# A refusal names the part of the upload at fault, not where it came from: ``slot`` for
# an attachment the form does not have, ``file`` for the file itself. The API sends both
# as multipart fields of those names; the pages show them at the slot's file input.
SLOT_FIELD = "slot"
FILE_FIELD = "file"
_UNSAFE = re.compile(r'[\\/<>:"|?*]')


def upload_field_name(slot: str) -> str:
    """The name of a slot's file input. Field names never contain "-", so no clash."""
    return f"{UPLOAD_PREFIX}{slot}"


def at_file_input(slot: str, error: InvalidInput) -> dict[str, list[Any]]:
    """A refusal's messages under the page's file input for ``slot``, where the form
    shows them."""
    return {upload_field_name(slot): [m for messages in error.fields.values() for m in messages]}


def sanitize_name(name: str) -> str:
    """A file name safe to show and to send back in Content-Disposition."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    # Control and format characters (including right-to-left overrides that disguise
    # "cod.exe" as "exe.doc") are dropped.
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name).strip().lstrip(".").strip()
    stem, extension = os.path.splitext(name)
    return f"{stem[:100].strip() or 'attachment'}{extension[:10].lower()}"


def store_attachment(
    *,
    owner: Any,
    definition: FormDefinition | MergedForm,
    slot: str,
    upload: File[Any],
    request: HttpRequest | None = None,
    slot_spec: Mapping[str, Any] | None = None,
) -> Attachment:
    """Check and store one upload for ``slot`` of the definition (or merged form); or,
    with ``slot_spec`` (its types and size), for a material the form does not name,
    which a caller vouches for (one a supplement request asked for in words).

    Refusals are keyed ``SLOT_FIELD`` or ``FILE_FIELD``; ``at_file_input`` moves them to
    a page's input."""
    spec_slot = slot_spec or definition.slot(slot)
    if spec_slot is None:
        raise InvalidInput(
            gettext_lazy("This form has no such attachment."),
            code="unknown_slot",
            fields={SLOT_FIELD: [gettext_lazy("This form has no such attachment.")]},
        )
    if isinstance(definition, MergedForm):
        target, target_slot = definition.slot_origin(slot)
    else:
        target, target_slot = definition, slot
    types = [FILE_TYPES[key] for key in spec_slot["types"]]
    limit = int(slot_max_mb(spec_slot) * MB)

    def refuse(reason: str, message: str, **detail: Any) -> InvalidInput:
        return refused(
            InvalidInput(message, code=f"attachment_{reason}", fields={FILE_FIELD: [message]}),
            actor=owner,
            action="forms.attachment_refused",
            target=("forms.formdefinition", str(target.pk)),
            detail={"slot": target_slot, "reason": reason, **detail},
            request=request,
        )

    declared = upload.size or 0
    if declared > limit:
        raise refuse("too_large", _too_large(spec_slot), size=declared)
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    if not head:
        raise refuse("empty", _("The selected file is empty."))
    detected = detect_type(head)
    original_name = sanitize_name(upload.name or "")
    if detected is None or detected.key not in spec_slot["types"]:
        allowed = pgettext("list separator", ", ").join(t.label for t in types)
        named = next((t for t in types if os.path.splitext(original_name)[1] in t.extensions), None)
        if named is not None:
            # Named as an accepted type, its content is not: say so, or the reader
            # wonders why a "report.pdf" is no PDF.
            message = _(
                "This file is named as a %(type)s but its content is not one. The file "
                "must be one of these types: %(types)s."
            ) % {"type": named.label, "types": allowed}
        else:
            message = _("The file must be one of these types: %(types)s.") % {"types": allowed}
        raise refuse("type", message, detected=detected.key if detected else None)
    if os.path.splitext(original_name)[1] not in detected.extensions:
        raise refuse(
            "extension",
            _("The file name must end in %(extensions)s to match its content.")
            % {"extensions": " / ".join(detected.extensions)},
            detected=detected.key,
        )
    digest, size = _digest(upload)
    if size > limit:  # the declared size can be wrong; the bytes read cannot
        raise refuse("too_large", _too_large(spec_slot), size=size)

    attachment = Attachment(
        owner=owner,
        definition=target,
        slot=target_slot,
        original_name=original_name,
        content_type=detected.mime,
        size=size,
        sha256=digest,
    )
    path = attachment.file.field.generate_filename(
        attachment, f"{uuid.uuid4().hex}{detected.extensions[0]}"
    )
    upload.seek(0)
    attachment.file.name = default_storage.save(path, upload)
    try:
        with transaction.atomic():
            attachment.save()
            record_event(
                actor=owner,
                action="forms.attachment_stored",
                target=attachment,
                detail={
                    "definition": str(target),
                    "slot": target_slot,
                    "content_type": detected.mime,
                    "size": size,
                    "sha256": digest,
                },
                request=request,
            )
    except BaseException:
        # No row, no file: the stored bytes go when the row could not be written.
        default_storage.delete(attachment.file.name)
        raise
    return attachment


def _too_large(spec_slot: Mapping[str, Any]) -> str:
    size = slot_max_mb(spec_slot)
    shown = int(size) if size.is_integer() else size
    return _("The file must be smaller than %(size)s MB.") % {"size": shown}


def _digest(upload: File[Any]) -> tuple[str, int]:
    sha = hashlib.sha256()
    size = 0
    for chunk in upload.chunks():
        sha.update(chunk)
        size += len(chunk)
    return sha.hexdigest(), size


def open_attachment(
    *,
    user: Any,
    attachment: Attachment,
    extra_check: permissions.ReaderCheck | None = None,
    request: HttpRequest | None = None,
) -> IO[bytes]:
    """The stored file, opened for reading, for someone entitled; each read is audited.

    Refuses with ``NotFound``, as if the file did not exist, so nobody learns it does.
    """
    if not attachment.file.name or not permissions.can_read_attachment(
        user, attachment, extra_check=extra_check
    ):
        raise NotFound(gettext_lazy("There is no such attachment."), code="not_found")
    handle = default_storage.open(attachment.file.name, "rb")
    try:
        with transaction.atomic():
            record_event(
                actor=user,
                action="forms.attachment_read",
                target=attachment,
                detail={"owner": attachment.owner_id, "slot": attachment.slot},
                request=request,
            )
    except BaseException:
        handle.close()
        raise
    return handle
