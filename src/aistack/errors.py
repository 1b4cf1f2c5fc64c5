"""One error type, carrying a hint and an exit code; the CLI maps it to stderr and the code."""

from __future__ import annotations

import enum
import os


class ExitCode(enum.IntEnum):
    OK = 0
    PROBLEM = 1
    USAGE = 2
    LOGIN_NEEDED = 4
    INTERRUPTED = 130


class AistackError(Exception):
    """An error the user can act on: what went wrong, and what to do about it."""

    def __init__(self, message: str, hint: str | None = None, exit_code: int = ExitCode.PROBLEM):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.exit_code = int(exit_code)

    def __str__(self) -> str:
        return self.message


class UsageError(AistackError):
    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message, hint, ExitCode.USAGE)


class LoginNeeded(AistackError):
    def __init__(self, message: str = "You are not logged in.", hint: str | None = "Run `aistack login`."):
        super().__init__(message, hint, ExitCode.LOGIN_NEEDED)


DEBUG_VAR = "AISTACK_DEBUG"  # set by --debug, so the commands aistack starts (`aistack token`) debug too


def debug_enabled() -> bool:
    return os.environ.get(DEBUG_VAR, "") not in ("", "0")


def render(err: AistackError) -> str:
    text = f"error: {err.message}"
    if err.hint:
        text += f"\nhint: {err.hint}"
    return text
