"""The desk's SQLite database: one file beside the content (WAL), holding accounts, sessions and
the audit log."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

FILE_NAME = "desk.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    name TEXT PRIMARY KEY,
    password TEXT NOT NULL,
    stages TEXT NOT NULL DEFAULT '',
    admin INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS failures (
    name TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS failures_by_name ON failures (name, at);
CREATE TABLE IF NOT EXISTS sessions (
    token TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    expires REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,
    article TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT ''
);
"""


def default_path(root: Path) -> Path:
    """Where the database lives: `desk.sqlite3` in the site's root folder, beside content/."""
    return root / FILE_NAME


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A short-lived connection in WAL mode with the schema in place; commits on success, rolls
    back on error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=10)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA busy_timeout=10000")
        conn.executescript(_SCHEMA)
        conn.row_factory = sqlite3.Row
        with conn:
            yield conn
    finally:
        conn.close()


def backup(path: Path, target: Path) -> None:
    """Copy the database consistently while the desk may be running (SQLite's online backup)."""
    with connect(path) as source:
        out = sqlite3.connect(target)
        try:
            source.backup(out)
        finally:
            out.close()
