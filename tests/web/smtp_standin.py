"""A local SMTP stand-in (plain SMTP on 127.0.0.1): records each message; can refuse chosen recipients."""

from __future__ import annotations

import socketserver
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage


@dataclass
class Received:
    """One delivered message."""

    sender: str
    recipients: list[str]
    data: bytes

    def message(self) -> EmailMessage:
        """The parsed message."""
        parsed = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Mailbox:
    """What the stand-in received, and which addresses it refuses."""

    messages: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    arrived: threading.Event = field(default_factory=threading.Event)


class _Handler(socketserver.StreamRequestHandler):
    mailbox: Mailbox

    def _say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self._say("220 standin ESMTP")
        sender, recipients = "", []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.wfile.write(b"250-standin\r\n250 8BITMIME\r\n")
            elif verb == "MAIL":
                sender, recipients = line.split(":", 1)[1].strip().strip("<>").split(">")[0], []
                self._say("250 ok")
            elif verb == "RCPT":
                address = line.split(":", 1)[1].strip().strip("<>")
                if address in self.mailbox.refuse:
                    self._say("550 no such user")
                else:
                    recipients.append(address)
                    self._say("250 ok")
            elif verb == "DATA":
                self._say("354 end with .")
                chunks = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    chunks.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                self.mailbox.messages.append(Received(sender, recipients, b"".join(chunks)))
                self.mailbox.arrived.set()
                self._say("250 queued")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:  # RSET, NOOP …
                self._say("250 ok")


class SmtpStandIn:
    """Start with ``with SmtpStandIn() as smtp:``; ``smtp.port`` and ``smtp.mailbox``."""

    def __init__(self) -> None:
        self.mailbox = Mailbox()
        handler = type("Handler", (_Handler,), {"mailbox": self.mailbox})
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> SmtpStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
