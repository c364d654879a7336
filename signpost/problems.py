"""The one problem type every layer reports, and the exception that carries a list of them."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from os import PathLike

# How an editor runs build.py in the project folder, as README and EDITING.md write it, for hints
# that name a command: the venv's Python has Signpost's libraries whether or not the venv is
# active; a bare `python` may not.
RUN_BUILD = ".venv/bin/python build.py"

# Control characters (a terminal obeys ESC codes), line and paragraph separators, and the marks
# that reverse the order text is shown in: a file name or title may carry any of them.
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Text with its control characters written as Python escapes: 'a\x1b[31m' stays visible as such."""
    return UNPRINTABLE.sub(lambda found: repr(found.group())[1:-1], text)


@dataclass(frozen=True, order=True)
class Problem:
    """Something wrong in a source file, said in plain words an editor can act on."""

    path: str
    line: int | None
    message: str
    hint: str = ""
    severity: str = "error"  # "error" stops the build; "warning" is only reported; "info" just tells

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.message}"
        if self.severity != "error":
            text = f"{where}: {self.severity}: {self.message}"
        return printable(f"{text} Hint: {self.hint}" if self.hint else text)


def problem(path: str | PathLike[str], line: int | None, message: str, hint: str = "", severity: str = "error") -> Problem:
    """Build a Problem; the single place where wording conventions live."""
    message = message.rstrip()
    if not message.endswith((".", "?", "!")):
        message += "."
    return Problem(str(path), line, message, hint, severity)


def errors_in(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that stop a build (warnings don't)."""
    return of_severity(problems, "error")


def warnings_in(problems: Iterable[Problem]) -> list[Problem]:
    """The problems a build reports but doesn't stop for."""
    return of_severity(problems, "warning")


def of_severity(problems: Iterable[Problem], severity: str) -> list[Problem]:
    """The problems of one severity ("error", "warning" or "info"), in their order."""
    return [p for p in problems if p.severity == severity]


class BuildFailed(Exception):
    """Raised with every problem found, so the editor sees them all at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.path, p.line or 0))
        super().__init__("\n".join(map(str, self.problems)))
