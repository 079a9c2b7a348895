"""The one exception family of Diversion: every error a user can cause or meet derives from here."""

from __future__ import annotations


class DiversionError(Exception):
    """Something Diversion could not do; the message is meant for the user."""


class UnreadableInput(DiversionError):
    """A whole input file could not be read: names the file, the line and what was expected."""

    def __init__(self, path: str, line: int | None, expected: str, found: str = "") -> None:
        self.path = path
        self.line = line
        self.expected = expected
        self.found = found
        where = f"{path}, line {line}" if line is not None else path
        message = f"{where}: expected {expected}"
        if found:
            message += f", found {found}"
        super().__init__(message)


class UsageError(DiversionError):
    """The user asked for something that cannot be done as asked (exit status 2)."""
