"""Desk accounts: names, scrypt password hashes, stages and the admin flag; failed logins and the
lockout."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from generator.desk import db

# scrypt with n=2**14, r=8, p=1 costs about 16 MB and some tens of milliseconds: fine for a login.
_N, _R, _P = 2**14, 8, 1
MAX_FAILURES = 5  # failed attempts within the window lock the name for the rest of the window
WINDOW_SECONDS = 15 * 60


@dataclass(frozen=True)
class Account:
    """One person who may log in to the desk."""

    name: str
    stages: tuple[str, ...]
    admin: bool


def hash_password(password: str, *, n: int = _N) -> str:
    """A self-describing scrypt hash: `scrypt$n$r$p$salt$digest` (salt and digest in base64)."""
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode(), salt=salt, n=n, r=_R, p=_P, maxmem=64 * 1024 * 1024)
    return "$".join(["scrypt", str(n), str(_R), str(_P), _b64(salt), _b64(key)])


def password_matches(stored: str, password: str) -> bool:
    """True when `password` gives the stored hash (compared in constant time)."""
    try:
        kind, n, r, p, salt, key = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=64 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(key))


def create(
    path: Path, name: str, password: str, stages: list[str], admin: bool, now: datetime
) -> None:
    """Add an account (or replace its password, stages and flag when the name exists)."""
    with db.connect(path) as conn:
        conn.execute(
            "INSERT OR REPLACE INTO accounts (name, password, stages, admin, created) VALUES (?, ?,"
            " ?, ?, ?)",
            (name, hash_password(password), ",".join(stages), int(admin), now.isoformat()),
        )


def find(path: Path, name: str) -> Account | None:
    """The account of that name, or None."""
    with db.connect(path) as conn:
        row = conn.execute(
            "SELECT name, stages, admin FROM accounts WHERE name = ?", (name,)
        ).fetchone()
    if row is None:
        return None
    return Account(row["name"], tuple(s for s in row["stages"].split(",") if s), bool(row["admin"]))


def every(path: Path) -> list[Account]:
    """All accounts, by name."""
    with db.connect(path) as conn:
        names = [r["name"] for r in conn.execute("SELECT name FROM accounts ORDER BY name")]
    return [a for a in (find(path, n) for n in names) if a]


def locked(path: Path, name: str, now: float) -> bool:
    """True when the name has had MAX_FAILURES failed attempts within the last WINDOW_SECONDS."""
    with db.connect(path) as conn:
        (count,) = conn.execute("SELECT COUNT(*) FROM failures WHERE name = ? AND at > ?",
                                (name, now - WINDOW_SECONDS)).fetchone()
    return count >= MAX_FAILURES


def verify(path: Path, name: str, password: str, now: float) -> Account | None:
    """The account when the password is right and the name is not locked; a wrong attempt is
    counted.

    Unknown names are counted (and hashed against) too, so neither the answer nor its timing tells
    which names exist.
    """
    if locked(path, name, now):
        return None
    with db.connect(path) as conn:
        row = conn.execute("SELECT password FROM accounts WHERE name = ?", (name,)).fetchone()
    stored = row["password"] if row else _DUMMY
    if row is not None and password_matches(stored, password):
        with db.connect(path) as conn:
            conn.execute("DELETE FROM failures WHERE name = ?", (name,))
        return find(path, name)
    if row is None:
        password_matches(stored, password)
    with db.connect(path) as conn:
        conn.execute("INSERT INTO failures (name, at) VALUES (?, ?)", (name, now))
    return None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


_DUMMY = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
