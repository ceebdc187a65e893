"""The file types an attachment slot may accept, and how each is recognised by content.

A type counts as detected only when puremagic names it *and* the file starts with the
type's own signature; the name's extension must then agree. An executable or a web
page renamed ``.pdf`` fails the first test, a real PDF renamed ``.exe`` the second.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import puremagic
from django.utils.translation import pgettext

GLOBAL_MAX_MB = 20
MB = 1024 * 1024
# Enough for puremagic's signatures (some sit a few hundred bytes in) and ours.
HEAD_BYTES = 8192


@dataclass(frozen=True)
class FileType:
    key: str
    label: str
    mime: str
    extensions: tuple[str, ...]
    signatures: tuple[bytes, ...]

    def matches_head(self, head: bytes) -> bool:
        return any(head.startswith(signature) for signature in self.signatures)


FILE_TYPES: dict[str, FileType] = {
    "pdf": FileType("pdf", "PDF", "application/pdf", (".pdf",), (b"%PDF-",)),
    "jpg": FileType("jpg", "JPG", "image/jpeg", (".jpg", ".jpeg"), (b"\xff\xd8\xff",)),
    "png": FileType("png", "PNG", "image/png", (".png",), (b"\x89PNG\r\n\x1a\n",)),
}


def detect_type(head: bytes) -> FileType | None:
    """The supported type the content is, or None when it is none of them."""
    if not head:
        return None
    try:
        matches = puremagic.magic_string(head)
    except puremagic.PureError:
        return None
    named = {match.mime_type for match in matches} | {match.extension for match in matches}
    for file_type in FILE_TYPES.values():
        if (file_type.mime in named or set(file_type.extensions) & named) and (
            file_type.matches_head(head)
        ):
            return file_type
    return None


def accept_attribute(types: list[str]) -> str:
    """The ``accept`` attribute of a file input: extensions and MIME types."""
    parts: list[str] = []
    for key in types:
        file_type = FILE_TYPES[key]
        parts.extend(file_type.extensions)
        parts.append(file_type.mime)
    return ",".join(parts)


def type_labels(types: list[str]) -> str:
    separator = pgettext("list separator", ", ")  # 、 in Chinese
    return separator.join(FILE_TYPES[key].label for key in types if key in FILE_TYPES)


def slot_max_mb(slot: Mapping[str, Any]) -> float:
    """The most an attachment slot takes, in MB: its own limit, within the platform's."""
    return min(float(slot["max_mb"]), GLOBAL_MAX_MB)
