"""The org profile's schema (version 1): its typed model and the strict validation of a raw document."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal, overload

from aistack import headers
from aistack.errors import AistackError
from aistack.profile.policy import Policy, Telemetry, parse_policy, parse_telemetry
from aistack.profile.values import (
    CONTROL,
    ENV_NAME,
    HEADER_NAME,
    HEADER_VALUE,
    SERVER_NAME,
    template_problem,
    url_problem,
    without_userinfo,
)

SCHEMA = 1
USAGE_BACKENDS = ("litellm", "cloudflare", "openrouter", "aistack")
DEFAULT_SCOPES = ["openid", "email", "profile", "offline_access"]


@dataclass(frozen=True)
class Auth:
    issuer: str
    client_id: str
    scopes: list[str] = field(default_factory=lambda: list(DEFAULT_SCOPES))
    audience: str | None = None


@dataclass(frozen=True)
class Gateway:
    url: str
    token_header: str = "Authorization"
    usage: str | None = None
    usage_url: str | None = None
    providers: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    usage_options: dict[str, Any] = field(default_factory=dict)

    def token_value(self, token: str) -> str:
        """The header value that carries the token: `Bearer <t>` for Authorization, the bare token otherwise."""
        return headers.token_value(self.token_header, token)


@dataclass(frozen=True)
class McpServer:
    name: str
    url: str | None = None
    transport: str = "http"
    auth: str = "none"
    headers: dict[str, str] = field(default_factory=dict)
    command: str | None = None
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        """"stdio", "http" or "sse"."""
        return "stdio" if self.command else self.transport


@dataclass(frozen=True)
class Profile:
    source: str
    org_name: str
    auth: Auth | None = None
    gateway: Gateway | None = None
    mcp_servers: list[McpServer] = field(default_factory=list)
    templates: dict[str, str] = field(default_factory=dict)
    policy: Policy | None = None
    telemetry: Telemetry | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    def server(self, name: str) -> McpServer | None:
        return next((s for s in self.mcp_servers if s.name == name), None)


class _Checker:
    """Reads typed values out of the raw document, naming the source and key on every failure."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, key: str, expected: str, got: Any = None) -> AistackError:
        detail = f", got {_describe(got)}" if got is not None else ""
        return AistackError(
            f"org profile {self.source}: `{key}` must be {expected}{detail}.",
            hint="Fix the org profile (see examples/org.toml) or ask your platform team; nothing was written.",
        )

    @overload
    def table(self, data: dict, key: str, path: str, required: Literal[True]) -> dict: ...
    @overload
    def table(self, data: dict, key: str, path: str, required: bool = False) -> dict | None: ...
    def table(self, data: dict, key: str, path: str, required: bool = False) -> dict | None:
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(path, "a table")
            return None
        if not isinstance(value, dict):
            raise self.fail(path, "a table", value)
        return value

    @overload
    def string(self, data: dict, key: str, path: str, required: Literal[True]) -> str: ...
    @overload
    def string(self, data: dict, key: str, path: str, required: bool = False, *, default: str) -> str: ...
    @overload
    def string(self, data: dict, key: str, path: str, required: bool = False, default: str | None = None
               ) -> str | None: ...
    def string(self, data: dict, key: str, path: str, required: bool = False, default: str | None = None) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(path, "a non-empty string (it is missing)")
            return default
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, "a non-empty string", value)
        return value

    @overload
    def choice(self, data: dict, key: str, path: str, choices: tuple[str, ...], default: str) -> str: ...
    @overload
    def choice(self, data: dict, key: str, path: str, choices: tuple[str, ...], default: None) -> str | None: ...
    def choice(self, data: dict, key: str, path: str, choices: tuple[str, ...], default: str | None) -> str | None:
        value = self.string(data, key, path, default=default)
        if value is not None and value not in choices:
            raise self.fail(path, "one of " + ", ".join(f'"{c}"' for c in choices), value)
        return value

    @overload
    def url(self, data: dict, key: str, path: str, required: Literal[True]) -> str: ...
    @overload
    def url(self, data: dict, key: str, path: str, required: bool = False) -> str | None: ...
    def url(self, data: dict, key: str, path: str, required: bool = False) -> str | None:
        value = self.string(data, key, path, required=required)
        if value is None:
            return None
        problem = url_problem(value)
        if problem:
            raise self.fail(path, problem, without_userinfo(value))
        return value.rstrip("/")

    def strings(self, data: dict, key: str, path: str, default: list[str] | None = None) -> list[str]:
        value = data.get(key)
        if value is None:
            return list(default or [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(path, "a list of strings", value)
        return list(value)

    def string_map(self, data: dict, key: str, path: str, key_pattern: re.Pattern, what: str,
                   value_pattern: re.Pattern | None = None) -> dict[str, str]:
        """A table of strings whose every key fully matches `key_pattern` (and value `value_pattern`)."""
        value = data.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise self.fail(path, "a table of strings", value)
        for name, item in value.items():
            if not key_pattern.fullmatch(name):
                raise self.fail(f"{path}.{name.strip()}", what, name)
            if value_pattern is not None and not value_pattern.fullmatch(item):
                raise self.fail(f"{path}.{name}", "an HTTP header value (visible characters, with spaces or tabs"
                                " only between them; no line breaks)", item)
        return dict(value)

    def headers(self, data: dict, key: str, path: str) -> dict[str, str]:
        return self.string_map(data, key, path, HEADER_NAME, "an HTTP header name (RFC 9110 token)", HEADER_VALUE)

    def no_unknown(self, data: dict, allowed: set[str], path: str) -> None:
        unknown = sorted(set(data) - allowed)
        if unknown:
            where = f"`{path}`" if path else "the top level"
            raise AistackError(
                f"org profile {self.source}: unknown key `{unknown[0]}` in {where}"
                f" (expected one of: {', '.join(sorted(allowed))}).",
                hint="Check the key's spelling against examples/org.toml; nothing was written.",
            )


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    return type(value).__name__.replace("dict", "table").replace("list", "array")


def validate(data: Any, source: str) -> Profile:
    c = _Checker(source)
    if not isinstance(data, dict):
        raise c.fail("(document)", "a table")
    schema = data.get("schema")
    if schema is None:
        raise c.fail("schema", f"the number {SCHEMA} (it is missing)")
    if schema != SCHEMA or isinstance(schema, bool):
        raise AistackError(
            f"org profile {source}: unknown `schema` {schema!r}; this aistack understands schema {SCHEMA}.",
            hint="Upgrade aistack, or ask your platform team which schema the profile uses.",
        )
    c.no_unknown(data, {"schema", "org", "auth", "gateway", "mcp_servers", "templates", "policy", "telemetry"}, "")

    org = c.table(data, "org", "org", required=True)
    c.no_unknown(org, {"name"}, "org")
    org_name = c.string(org, "name", "org.name", required=True)
    if CONTROL.search(org_name):
        raise c.fail("org.name", "a name without line breaks or control characters", org_name)

    auth = None
    if (a := c.table(data, "auth", "auth")) is not None:
        c.no_unknown(a, {"issuer", "client_id", "scopes", "audience"}, "auth")
        auth = Auth(
            issuer=c.url(a, "issuer", "auth.issuer", required=True),
            client_id=c.string(a, "client_id", "auth.client_id", required=True),
            scopes=c.strings(a, "scopes", "auth.scopes", DEFAULT_SCOPES),
            audience=c.string(a, "audience", "auth.audience"),
        )
        if "openid" not in auth.scopes:
            raise c.fail("auth.scopes", 'a list that includes "openid"', auth.scopes)

    gateway = None
    if (g := c.table(data, "gateway", "gateway")) is not None:
        c.no_unknown(g, {"url", "token_header", "usage", "usage_url", "providers", "headers", "usage_options"},
                     "gateway")
        providers = c.table(g, "providers", "gateway.providers") or {}
        c.no_unknown(providers, {"anthropic", "openai", "google"}, "gateway.providers")
        token_header = c.string(g, "token_header", "gateway.token_header", default="Authorization")
        if not HEADER_NAME.fullmatch(token_header):
            raise c.fail("gateway.token_header", "an HTTP header name (RFC 9110 token)", token_header)
        gateway = Gateway(
            url=c.url(g, "url", "gateway.url", required=True),
            token_header=token_header,
            usage=c.choice(g, "usage", "gateway.usage", USAGE_BACKENDS, None),
            usage_url=c.url(g, "usage_url", "gateway.usage_url"),
            # A JSON profile's `null` keeps its provider with the value None, which the routes read as absent:
            # the type says str until that is refused or dropped here.
            providers={k: c.url(providers, k, f"gateway.providers.{k}") for k in providers},  # type: ignore[misc]
            headers=c.headers(g, "headers", "gateway.headers"),
            usage_options=c.table(g, "usage_options", "gateway.usage_options") or {},
        )

    servers: list[McpServer] = []
    raw_servers = data.get("mcp_servers", [])
    if not isinstance(raw_servers, list):
        raise c.fail("mcp_servers", "an array of tables ([[mcp_servers]])", raw_servers)
    seen: set[str] = set()
    for i, s in enumerate(raw_servers):
        path = f"mcp_servers[{i}]"
        if not isinstance(s, dict):
            raise c.fail(path, "a table", s)
        c.no_unknown(s, {"name", "url", "transport", "auth", "headers", "command", "args", "env"}, path)
        name = c.string(s, "name", f"{path}.name", required=True)
        if not SERVER_NAME.fullmatch(name):
            raise c.fail(f"{path}.name", "letters, digits, '-' or '_' (at most 64, starting with a letter or digit)",
                         name)
        if name.lower() in seen:
            raise AistackError(
                f"org profile {source}: `{path}.name` {name!r} is used by another server.",
                hint="Give each MCP server a unique name; nothing was written.",
            )
        seen.add(name.lower())
        path = f"mcp_servers.{name}"
        has_url, has_cmd = "url" in s, "command" in s
        if has_url == has_cmd:
            raise c.fail(path, "either `url` (a remote server) or `command` (a stdio server), not both or neither")
        if has_url:
            for key in ("args", "env"):
                if key in s:
                    raise c.fail(f"{path}.{key}", "absent on a remote server (it has a `url`)")
            servers.append(McpServer(
                name=name,
                url=c.url(s, "url", f"{path}.url", required=True),
                transport=c.choice(s, "transport", f"{path}.transport", ("http", "sse"), "http"),
                auth=c.choice(s, "auth", f"{path}.auth", ("token", "oauth", "none"), "none"),
                headers=c.headers(s, "headers", f"{path}.headers"),
            ))
        else:
            for key in ("transport", "headers"):
                if key in s:
                    raise c.fail(f"{path}.{key}", "absent on a stdio server (it has a `command`)")
            auth_mode = c.choice(s, "auth", f"{path}.auth", ("token", "none"), "none")
            servers.append(McpServer(
                name=name,
                command=c.string(s, "command", f"{path}.command", required=True),
                args=c.strings(s, "args", f"{path}.args"),
                env=c.string_map(s, "env", f"{path}.env", ENV_NAME,
                                 "an environment variable name (letters, digits and '_', not starting with a digit)"),
                auth=auth_mode,
                transport="stdio",
            ))

    templates = c.table(data, "templates", "templates") or {}
    c.no_unknown(templates, {"agents_md"}, "templates")
    if "agents_md" in templates:
        value = c.string(templates, "agents_md", "templates.agents_md", required=True)
        problem = template_problem(value, source)
        if problem:
            raise c.fail("templates.agents_md", problem, without_userinfo(value))

    return Profile(source=source, org_name=org_name, auth=auth, gateway=gateway, mcp_servers=servers,
                   templates=dict(templates), policy=parse_policy(c, data, servers),
                   telemetry=parse_telemetry(c, data), raw=data)
