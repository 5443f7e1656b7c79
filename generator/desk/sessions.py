"""Login sessions: a random token in an HttpOnly, SameSite=Strict cookie; only its hash is
stored."""

from __future__ import annotations

import secrets
from pathlib import Path

from generator.base.hashing import sha256_hex
from generator.desk import db

COOKIE = "desk_session"
LIFETIME_SECONDS = 8 * 3600  # a working day; every request moves the end forward


def _hash(token: str) -> str:
    return sha256_hex(token)


def start(path: Path, name: str, now: float) -> str:
    """Open a session for the account and return the token to put in the cookie."""
    token = secrets.token_urlsafe(32)
    with db.connect(path) as conn:
        conn.execute("DELETE FROM sessions WHERE expires < ?", (now,))
        conn.execute("INSERT INTO sessions (token, name, expires) VALUES (?, ?, ?)",
                     (_hash(token), name, now + LIFETIME_SECONDS))
    return token


def owner(path: Path, token: str | None, now: float) -> str | None:
    """The account name of a live session (and extend it), or None."""
    if not token:
        return None
    with db.connect(path) as conn:
        row = conn.execute(
            "SELECT name, expires FROM sessions WHERE token = ?", (_hash(token),)
        ).fetchone()
        if row is None or row["expires"] < now:
            return None
        conn.execute(
            "UPDATE sessions SET expires = ? WHERE token = ?",
            (now + LIFETIME_SECONDS, _hash(token)),
        )
    return row["name"]


def end(path: Path, token: str | None) -> None:
    """Close a session (logout)."""
    if token:
        with db.connect(path) as conn:
            conn.execute("DELETE FROM sessions WHERE token = ?", (_hash(token),))


def end_all(path: Path, name: str) -> None:
    """Close every session of an account (password changed, account removed)."""
    with db.connect(path) as conn:
        conn.execute("DELETE FROM sessions WHERE name = ?", (name,))
