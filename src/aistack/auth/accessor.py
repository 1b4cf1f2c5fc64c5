"""The one way aistack's own clients get the engineer's token: the stdio bridge, `aistack usage`, and anything
else that attaches a fresh token to traffic.

AISTACK_TOKEN when set (CI, containers, `aistack run`); otherwise `aistack token` in a subprocess, which answers
from the cache in milliseconds and refreshes at the IdP when the token is about to expire. A subprocess keeps
the caller independent of how the login is stored, and keeps a keyring that hangs out of a long-lived process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence

from aistack.errors import AistackError, ExitCode, LoginNeeded

TOKEN_COMMAND = (sys.executable, "-m", "aistack", "token")
TIMEOUT = 120.0  # seconds: `aistack token` may refresh at the IdP; it never prompts


def token_from_env(environ: Mapping[str, str] | None = None) -> str | None:
    token = ((os.environ if environ is None else environ).get("AISTACK_TOKEN") or "").strip()
    return token or None


def fresh_token(environ: Mapping[str, str] | None = None, *, command: Sequence[str] = TOKEN_COMMAND,
                timeout: float = TIMEOUT, login_hint: str = "Run `aistack login`, then try again.") -> str:
    """A valid access token, or an error a person can act on (LoginNeeded, exit 4, when the login is gone).

    `login_hint` says what to do once logged in again (a bridge: restart the MCP server in the assistant).
    """
    token = token_from_env(environ)
    if token:
        return token
    try:
        # stdin is never inherited: in the bridge it is the assistant's JSON-RPC pipe.
        done = subprocess.run(list(command), stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        raise AistackError(f"`aistack token` gave no token within {timeout:g} s.",
                           hint="Run `aistack token` in a terminal to see what it waits for.") from None
    except OSError as e:
        raise AistackError(f"could not run `aistack token`: {e}.") from None
    if done.returncode == ExitCode.LOGIN_NEEDED:
        raise LoginNeeded("no valid aistack login on this machine (not logged in, or the login has expired).",
                          hint=login_hint)
    detail = (done.stderr.strip().splitlines() or ["no message"])[-1]
    if done.returncode != 0:
        raise AistackError(f"`aistack token` failed (exit {done.returncode}): {detail}",
                           hint="Run `aistack token` in a terminal to see why, or set AISTACK_TOKEN.")
    lines = done.stdout.strip().splitlines()
    token = lines[-1].strip() if lines else ""
    if not token or len(token.split()) != 1:
        raise AistackError("`aistack token` printed no usable token.",
                           hint="Run `aistack token` in a terminal to see why.")
    return token
