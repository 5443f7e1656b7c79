"""The audit log: who did what on the desk, when and from where (logins, saves, uploads, signatures,
builds)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from generator.desk import db


@dataclass(frozen=True)
class Entry:
    """One audit event."""

    at: str
    who: str
    action: str
    article: str
    detail: str
    address: str


def record(path: Path, now: datetime, who: str, action: str, article: str = "", detail: str = "",
           address: str = "") -> None:
    """Append an event (the table is only ever appended to by the desk)."""
    with db.connect(path) as conn:
        conn.execute(
            "INSERT INTO audit (at, who, action, article, detail, address) VALUES (?, ?, ?, ?, ?, "
            "?)",
            (now.isoformat(timespec="seconds"), who, action, article, detail[:500], address),
        )


def recent(path: Path, limit: int = 50, article: str | None = None) -> list[Entry]:
    """The newest events first, optionally of one article."""
    query = "SELECT at, who, action, article, detail, address FROM audit"
    args: tuple = ()
    if article is not None:
        query, args = query + " WHERE article = ?", (article,)
    with db.connect(path) as conn:
        rows = conn.execute(query + " ORDER BY id DESC LIMIT ?", (*args, limit)).fetchall()
    return [Entry(*row) for row in rows]
