"""What the bridge talks to: the remote server from the org profile, its headers, and the token."""

from __future__ import annotations

from dataclasses import dataclass, field

from aistack.auth.accessor import fresh_token
from aistack.errors import UsageError
from aistack.headers import token_value
from aistack.profile import Profile


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
    assert server.url is not None  # the profile gives every remote server a URL
    token_header = None
    if server.auth == "token":
        token_header = profile.gateway.token_header if profile.gateway else "Authorization"
    return Target(name=server.name, url=server.url, kind=server.kind, headers=dict(server.headers),
                  token_header=token_header)


def get_token() -> str:
    """A fresh access token for the remote (see aistack.auth.accessor)."""
    return fresh_token(login_hint="Run `aistack login` in a terminal, then restart the MCP server in the assistant.")
