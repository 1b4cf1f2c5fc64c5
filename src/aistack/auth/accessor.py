"""The one way aistack's own clients get the engineer's token: the stdio bridge, `aistack usage`, and anything
else that attaches a fresh token to traffic.

AISTACK_TOKEN when CI or a container set it (never the snapshot `aistack run` exported: see fast.env_token);
otherwise `aistack token` in a subprocess, which answers from the cache in milliseconds and refreshes at the IdP
when the token is about to expire. A subprocess keeps the caller independent of how the login is stored, and keeps
a keyring that hangs out of a long-lived process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence

from aistack.auth.fast import env_token
from aistack.errors import AistackError, ExitCode, LoginNeeded

TOKEN_COMMAND = (sys.executable, "-m", "aistack", "token")
TIMEOUT = 120.0  # seconds: `aistack token` may refresh at the IdP; it never prompts


def token_from_env(environ: Mapping[str, str] | None = None) -> str | None:
    return env_token(os.environ if environ is None else environ)


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


MAX_REUSE = 300.0  # seconds: even a token that says it lives longer is asked for again this often
OPAQUE_REUSE = 30.0  # seconds, for a token whose lifetime cannot be read (not a JWT)


def fresh_until(token: str, fetched_at: float) -> float:
    """Until when a long-lived caller may reuse `token` without asking again: a quarter of its lifetime (at most
    60 s) before the JWT's `exp`, never more than MAX_REUSE after it was fetched. The claims are only read for
    timing, not trusted: whoever receives the token verifies it."""
    import base64
    import json

    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        exp = float(claims["exp"])
        issued = float(claims.get("iat", fetched_at))
    except (IndexError, KeyError, TypeError, ValueError):
        return fetched_at + OPAQUE_REUSE
    margin = min(60.0, max(1.0, (exp - issued) / 4))
    return min(exp - margin, fetched_at + MAX_REUSE)


class TokenCache:
    """The token for a process that attaches it to many requests (the relay): fetched through `fresh_token`,
    reused until shortly before it expires, fetched again once when an upstream rejects it. Thread-safe: callers
    waiting while one fetches get that fetch's token. A failure (LoginNeeded, ...) is raised to every caller and
    nothing is cached, so the first request after `aistack login` succeeds."""

    def __init__(self, fetch: Callable[[], str] | None = None, clock: Callable[[], float] | None = None):
        import threading
        import time

        self._fetch = fetch or fresh_token
        self._clock = clock or time.time
        self._lock = threading.Lock()
        self._token: str | None = None
        self._until = 0.0
        self.fetches = 0

    def get(self) -> str:
        with self._lock:
            now = self._clock()
            if self._token is None or now >= self._until:
                self._token = None
                token = self._fetch()
                self.fetches += 1
                self._token, self._until = token, fresh_until(token, now)
            return self._token

    def rejected(self, token: str) -> None:
        """An upstream refused `token`: the next `get` asks again (unless another caller already did)."""
        with self._lock:
            if self._token == token:
                self._token = None
