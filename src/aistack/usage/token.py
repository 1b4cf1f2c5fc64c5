"""The engineer's token for the gateway: AISTACK_TOKEN, else what `aistack token` prints."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Mapping, Sequence

from aistack.errors import AistackError, ExitCode, LoginNeeded

TOKEN_COMMAND = (sys.executable, "-m", "aistack", "token")


def engineer_token(environ: Mapping[str, str] | None = None, command: Sequence[str] = TOKEN_COMMAND,
                   timeout: float = 120.0) -> str:
    """AISTACK_TOKEN when set; otherwise run `aistack token` (which refreshes the login if needed).

    A subprocess keeps this command independent of how the login is stored; exit code 4 from it
    means the login is gone.
    """
    environ = os.environ if environ is None else environ
    token = (environ.get("AISTACK_TOKEN") or "").strip()
    if token:
        return token
    try:
        proc = subprocess.run(list(command), capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise AistackError(f"`aistack token` gave no token within {timeout:g}s.",
                           hint="Run `aistack token` yourself to see what it waits for.") from None
    except OSError as e:
        raise AistackError(f"could not run `aistack token`: {e}.") from None
    if proc.returncode == ExitCode.LOGIN_NEEDED:
        raise LoginNeeded("you are not logged in (or the login has expired), so the gateway cannot be asked.",
                          hint="Run `aistack login`, then try again.")
    token = proc.stdout.strip()
    if proc.returncode != 0 or not token:
        last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        raise AistackError(f"`aistack token` failed (exit {proc.returncode}): {last}",
                           hint="Run `aistack login`, or set AISTACK_TOKEN.")
    return token.splitlines()[-1].strip()
