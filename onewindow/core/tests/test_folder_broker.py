"""The embedded profile's folder transport writes each message whole before a worker
can take it (``core.folder_broker``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from kombu import Connection
from kombu.transport.virtual import Empty

from onewindow.core import folder_broker


@pytest.fixture
def channel(tmp_path: Path):
    folder_broker.register()
    options = {"data_folder_in": str(tmp_path), "data_folder_out": str(tmp_path)}
    with Connection(f"{folder_broker.SCHEME}://", transport_options=options) as connection:
        yield connection.default_channel, tmp_path


def test_the_url_resolves_to_our_transport(channel):
    opened, _folder = channel
    assert isinstance(opened, folder_broker.Channel)


def test_a_message_appears_whole_under_its_queue_name_and_nothing_is_left_aside(channel):
    opened, folder = channel
    opened._put("celery", {"body": "x" * 100_000})
    [written] = list(folder.iterdir())
    assert written.name.endswith(".celery.msg")
    assert opened._get("celery") == {"body": "x" * 100_000}
    assert not list(folder.iterdir())


def test_a_message_still_being_written_is_not_taken(channel):
    """What kombu's own transport let a worker read: a file under its final name, empty
    while its writer had not written yet. Ours writes aside; the reader skips that."""
    opened, folder = channel
    (folder / "1_0.celery.msg.part").write_bytes(b"")
    with pytest.raises(Empty):
        opened._get("celery")
    assert (folder / "1_0.celery.msg.part").exists()
