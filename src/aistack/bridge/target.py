"""What the bridge talks to: the remote server from the org profile, its headers, and the token."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field

from aistack.errors import AistackError, ExitCode, LoginNeeded, UsageError
from aistack.headers import token_value
from aistack.profile import Profile

TOKEN_TIMEOUT = 120  # seconds; `aistack token` may refresh at the IdP, never prompts


@dataclass(frozen=True)
class Target:
    """A remote MCP server and how to authenticate to it. Holds no secret."""

    name: str
    url: str
    kind: str  # "http" (streamable HTTP) or "sse"
    headers: dict[str, str] = field(default_factory=dict)  # the server's static headers
    token_header: str | None = None  # None when the server takes no token

    def token_value(self, token: str) -> str:
        """The header value, exactly as the gateway's: `Bearer <t>` for Authorization, else the bare token."""
        assert self.token_header is not None
        return token_value(self.token_header, token)


def target_for(profile: Profile, name: str) -> Target:
    """The bridgeable server NAME of the profile, or a usage error that says what to do instead."""
    server = profile.server(name)
    if server is None:
        names = ", ".join(s.name for s in profile.mcp_servers) or "(none)"
        raise UsageError(f"org profile {profile.source} has no MCP server named {name!r}; it has: {names}.",
                         hint="Use one of those names: `aistack mcp-bridge NAME`.")
    if server.kind == "stdio":
        raise UsageError(f"MCP server {name!r} is a stdio server (`{server.command}`); there is nothing to bridge.",
                         hint="Configure the assistant to run that command directly (`aistack setup` does).")
    if server.auth == "oauth":
        raise UsageError(f"MCP server {name!r} uses OAuth (auth = \"oauth\"); the bridge does not run OAuth.",
                         hint=f"Give the assistant {server.url} as a remote server: it runs the OAuth flow itself.")
    token_header = None
    if server.auth == "token":
        token_header = profile.gateway.token_header if profile.gateway else "Authorization"
    return Target(name=server.name, url=server.url, kind=server.kind, headers=dict(server.headers),
                  token_header=token_header)


def token_from_env() -> bool:
    return bool(os.environ.get("AISTACK_TOKEN", "").strip())


def get_token() -> str:
    """A fresh access token: AISTACK_TOKEN if set, else `aistack token` (which refreshes as needed)."""
    token = os.environ.get("AISTACK_TOKEN", "").strip()
    if token:
        return token
    try:
        # stdin must not be inherited: in the bridge it is the assistant's JSON-RPC pipe.
        done = subprocess.run([sys.executable, "-m", "aistack", "token"], stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=TOKEN_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise AistackError(f"`aistack token` did not answer within {TOKEN_TIMEOUT} s.",
                           hint="Run `aistack token` in a terminal to see why.") from None
    if done.returncode == ExitCode.LOGIN_NEEDED:
        raise LoginNeeded("no valid aistack login on this machine, so the bridge has no token to send.",
                          hint="Run `aistack login` in a terminal, then restart the MCP server in the assistant.")
    detail = (done.stderr.strip().splitlines() or ["no message"])[-1]
    if done.returncode != 0:
        raise AistackError(f"`aistack token` failed (exit {done.returncode}): {detail}",
                           hint="Run `aistack token` in a terminal to see why.")
    token = done.stdout.strip()
    if not token or len(token.split()) != 1:
        raise AistackError("`aistack token` printed no usable token.",
                           hint="Run `aistack token` in a terminal to see why.")
    return token
