"""A tiny SMTP server for tests: it keeps what it accepts, and can hang the first
connection at a chosen point so the sender can be killed there."""

from __future__ import annotations

import socketserver
import threading
from email import message_from_bytes
from email.message import Message

# Where the first connection hangs: before answering DATA (nothing accepted yet), or
# after reading the whole message but before saying it was accepted.
BEFORE_DATA = "before_data"
AFTER_MESSAGE = "after_message"


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def reply(self, text: str) -> None:
        self.wfile.write(f"{text}\r\n".encode())

    def handle(self) -> None:
        sink = self.server.sink
        first = sink.connected()
        self.reply("220 sink ESMTP")
        while line := self.rfile.readline():
            verb = line.decode("ascii", "replace").strip().split(" ")[0].upper()
            if verb == "EHLO":
                self.reply("250-sink\r\n250 8BITMIME")
            elif verb in {"HELO", "MAIL", "RCPT", "RSET", "NOOP"}:
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            elif verb == "DATA":
                if first and sink.stall == BEFORE_DATA:
                    sink.hang()
                    return
                self.reply("354 go ahead")
                data = self.read_message()
                if first and sink.stall == AFTER_MESSAGE:
                    sink.received.append(data)  # a real server may already deliver it
                    sink.hang()
                    return
                sink.received.append(data)
                self.reply("250 queued")
            else:
                self.reply("502 not implemented")

    def read_message(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    sink: SmtpSink


class SmtpSink:
    def __init__(self, *, stall: str = "") -> None:
        self.stall = stall
        self.received: list[bytes] = []
        self.stalled = threading.Event()
        self.release = threading.Event()
        self._connections = 0
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.sink = self
        self.port = self._server.server_address[1]

    def __enter__(self) -> SmtpSink:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    def connected(self) -> bool:
        """Counts the connection; True for the first."""
        with self._lock:
            self._connections += 1
            return self._connections == 1

    def hang(self) -> None:
        self.stalled.set()
        self.release.wait(60)

    @property
    def messages(self) -> list[Message]:
        return [message_from_bytes(data) for data in self.received]
