"""Problems found in content or config: where they are, what is wrong, how to fix it."""
from __future__ import annotations

import re

import difflib
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


class Severity(str, Enum):
    """How serious a finding is: errors stop publishing, warnings do not."""

    ERROR = "错误"
    WARNING = "警告"


@dataclass(frozen=True)
class SiteError:
    """One problem at a place in a file, told in Chinese with a hint."""

    path: str
    line: int
    col: int
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR
    code: str = ""  # stable machine id, e.g. "privacy.phone", for config and tests

    def format(self, context: str = "") -> str:
        """Render as `path:line:col: 错误：message`, optional context lines, and a hint line."""
        head = f"{self.path}:{self.line}:{self.col}: {self.severity.value}：{self.message}"
        parts = [head]
        if context:
            parts.append(context)
        if self.hint:
            parts.append(f"  提示：{self.hint}")
        return "\n".join(parts)

    @property
    def is_error(self) -> bool:
        """True when this problem blocks publishing."""
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple:
        """Order problems by file, then position, then text, so reports are stable."""
        return (self.path, self.line, self.col, self.message)


def error(
    path: str | Path, line: int, message: str, hint: str = "", col: int = 1, code: str = ""
) -> SiteError:
    """Make a blocking problem."""
    return SiteError(str(path), line, col, message, hint, Severity.ERROR, code)


def warning(
    path: str | Path, line: int, message: str, hint: str = "", col: int = 1, code: str = ""
) -> SiteError:
    """Make a non-blocking problem."""
    return SiteError(str(path), line, col, message, hint, Severity.WARNING, code)


class BuildFailed(Exception):
    """Raised with every problem of a phase, so a writer can fix them all in one go."""

    def __init__(self, problems: list[SiteError]):
        self.problems = sorted(problems, key=SiteError.sort_key)
        super().__init__("\n".join(p.format() for p in self.problems))

    def __reduce__(self):
        # Raised in a worker process (a template mistake while pages are rendered in parallel), it
        # must reach the
        # main process whole: the default would rebuild it from its message text.
        return BuildFailed, (self.problems,)


@dataclass
class Problems:
    """A collector that phases append to; `raise_if_errors` ends the phase when any blocking problem
    exists."""

    items: list[SiteError] = field(default_factory=list)

    def add(self, problem: SiteError) -> None:
        """Record one problem."""
        self.items.append(problem)

    def extend(self, problems: list[SiteError]) -> None:
        """Record several problems."""
        self.items.extend(problems)

    @property
    def errors(self) -> list[SiteError]:
        """The blocking problems, in stable order."""
        return sorted((p for p in self.items if p.is_error), key=SiteError.sort_key)

    @property
    def warnings(self) -> list[SiteError]:
        """The non-blocking problems, in stable order."""
        return sorted((p for p in self.items if not p.is_error), key=SiteError.sort_key)

    def raise_if_errors(self) -> None:
        """Stop the build with every blocking problem found so far."""
        if self.errors:
            raise BuildFailed(self.errors)


def context_lines(text: str, line: int, around: int = 1) -> str:
    """Show the numbered source lines around `line`, marking it with `>` (control characters shown
    as �, so a pasted escape sequence never reaches the terminal; lines are counted at newlines
    only, like the parsers).
    """
    lines = re.sub("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", "\ufffd",
                   text.replace("\r\n", "\n")).split("\n")
    if not 1 <= line <= len(lines):
        return ""
    out = []
    for number in range(max(1, line - around), min(len(lines), line + around) + 1):
        mark = ">" if number == line else " "
        out.append(f"  {mark} {number:>3} | {lines[number - 1]}")
    return "\n".join(out)


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """Suggest the closest known name for a mistyped one, as a Chinese hint (empty when none is
    close)."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"是不是想写 “{close[0]}”？" if close else ""


class FieldError(ValueError):
    """A cross-field check that failed in a dataclass, naming the key to blame so the message gets
    its line."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key
