"""What the relay forwards, and only that: derived from the org profile, never from the request.

- `/gw/<provider>/<path>` -> the gateway's base URL for that provider (`gateway.providers`, else `gateway.url`),
  with the gateway's token header and static headers;
- `/mcp/<name>` -> the org's streamable-HTTP MCP server `name`, with its static headers (and the token when its
  `auth = "token"`);
- `/otel/v1/{metrics,logs,traces}` -> the org's OpenTelemetry collector (`telemetry.endpoint`), with its static headers
  (and the token as a bearer when its `auth = "token"`), for assistants that take no OTLP headers from their files.
Anything else is not forwarded (no open relay). SSE servers go through the stdio bridge instead: the SSE
transport names its POST URL inside the stream, which a forwarder would have to rewrite.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from aistack.assistants.base import OTLP_SIGNALS, RELAY_GATEWAY, RELAY_MCP, RELAY_OTEL, RELAY_PROVIDERS
from aistack.errors import AistackError
from aistack.headers import DEFAULT_TOKEN_HEADER
from aistack.paths import Env
from aistack.profile import Profile


@dataclass(frozen=True)
class Upstream:
    url: str  # the upstream URL, without the query
    kind: str  # "model", "mcp" or "telemetry"
    name: str  # the provider ("anthropic", "openai", "google"), the MCP server's name, or "otel"
    headers: dict[str, str] = field(default_factory=dict)  # static headers to add
    token_header: str | None = None  # None: this upstream takes no token


class NoRoute(Exception):
    """The request names nothing the org profile lets the relay forward to; the message says what it does forward."""


def _dot_segment(path: str) -> bool:
    return any(part in (".", "..") for part in path.split("/"))


class Routes:
    def __init__(self, profile: Profile | None):
        self.profile = profile

    def describe(self) -> dict[str, list[str]]:
        profile = self.profile
        gateway = [p for p in RELAY_PROVIDERS if profile is not None and profile.gateway is not None]
        servers = [s.name for s in (profile.mcp_servers if profile else []) if s.kind == "http" and s.auth != "oauth"]
        telemetry = list(OTLP_SIGNALS) if profile is not None and profile.telemetry is not None else []
        return {"gateway": gateway, "mcp": servers, "telemetry": telemetry}

    def _what(self) -> str:
        known = self.describe()
        parts = [f"{RELAY_GATEWAY}{p}/..." for p in known["gateway"]] + [f"{RELAY_MCP}{n}" for n in known["mcp"]]
        parts += [f"{RELAY_OTEL}/{signal}" for signal in known["telemetry"]]
        return ", ".join(parts) or "nothing (the org profile has no gateway and no HTTP MCP server)"

    def resolve(self, path: str) -> Upstream:
        """The upstream for a request path (decoded), or NoRoute."""
        if self.profile is None:
            raise NoRoute("there is no org profile yet: run `aistack setup --org ...` (or `aistack login ...`) first")
        if _dot_segment(path):
            raise NoRoute(f"{path}: dot segments are not forwarded")
        gateway = self.profile.gateway
        if path.startswith(RELAY_GATEWAY) and gateway is not None:
            provider, _, rest = path[len(RELAY_GATEWAY):].partition("/")
            if provider in RELAY_PROVIDERS:
                base = (gateway.providers.get(provider) or gateway.url).rstrip("/")
                return Upstream(f"{base}/{rest}" if rest else base, "model", provider, dict(gateway.headers),
                                gateway.token_header)
        if path.startswith(RELAY_MCP):
            name = path[len(RELAY_MCP):].rstrip("/")
            server = self.profile.server(name) if name and "/" not in name else None
            if server is not None and server.kind == "http" and server.auth != "oauth" and server.url:
                header = (gateway.token_header if gateway else DEFAULT_TOKEN_HEADER) if server.auth == "token" else None
                return Upstream(server.url, "mcp", server.name, dict(server.headers), header)
        telemetry = self.profile.telemetry
        if telemetry is not None and path.startswith(f"{RELAY_OTEL}/") and path[len(RELAY_OTEL) + 1:] in OTLP_SIGNALS:
            header = "Authorization" if telemetry.auth == "token" else None
            return Upstream(f"{telemetry.endpoint}{path[len(RELAY_OTEL):]}", "telemetry", "otel",
                            dict(telemetry.headers), header)
        raise NoRoute(f"{path}: not a route of this relay; it forwards {self._what()}")


class ProfileWatch:
    """The remembered org profile (what `aistack token` uses), loaded again when it or its source file changes."""

    def __init__(self, env: Env):
        self.env = env
        self._stamp: tuple | None = None
        self.routes = Routes(None)
        self.error: str | None = None

    def _files(self) -> tuple:
        from aistack.profile import remembered_path

        stamps = []
        remembered = Path(remembered_path(self.env))
        for path in (remembered, Path(self.routes.profile.source) if self.routes.profile else None):
            try:
                stamps.append(os.stat(path).st_mtime_ns if path else None)
            except OSError:
                stamps.append(None)
        return tuple(stamps)

    def current(self) -> Routes:
        stamp = self._files()  # two stat calls a request: a changed profile applies to the next request
        if stamp != self._stamp:
            from aistack.profile import resolve

            try:
                self.routes, self.error = Routes(resolve(None, self.env, required=False)), None
            except AistackError as e:
                self.error = e.message  # keep serving the last good profile
            self._stamp = self._files()
        return self.routes
