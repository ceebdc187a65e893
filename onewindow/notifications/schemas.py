from __future__ import annotations

from datetime import datetime

from ninja import Schema


class NotificationOut(Schema):
    id: int
    kind: str
    case: str
    subject: str
    body: str
    link: str
    created_at: datetime
    read: bool
