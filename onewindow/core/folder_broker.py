"""kombu's folder transport, with each message written whole before a worker can see it.

kombu 5.7's filesystem transport creates the message file under its final name and then
writes into it; a worker polling the folder may move and read the file in between, get
an empty payload, and die ("Unrecoverable error: JSONDecodeError"; celery/kombu#1551 is
the same symptom). Here the message is written under a name the worker does not take
(``….msg.part``: its queue suffix no longer matches) and renamed into place, which is
atomic on one file system. The embedded profile's broker URL is ``onewindow-folder://``
(ADR 0003); ``register`` makes kombu know the name.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

SCHEME = "onewindow-folder"


class Channel(filesystem.Channel):
    # kombu's filesystem channel's signature, which its own base class's differs from.
    def _put(self, queue: str, payload: dict[str, Any], **kwargs: Any) -> None:  # type: ignore[override]
        """Put ``payload`` onto ``queue``: written aside, then renamed into the folder."""
        # The name kombu's reader expects: it sorts by the leading clock, and takes the
        # files whose name after the first dot is "<queue>.msg".
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = f"{final}.part"
        try:
            with open(partial, "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel


def register() -> None:
    """Let kombu resolve ``onewindow-folder://`` to this transport (idempotent)."""
    TRANSPORT_ALIASES.setdefault(SCHEME, f"{__name__}:Transport")
