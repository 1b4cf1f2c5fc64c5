"""The org profile's `[policy]` and `[telemetry]` tables (schema 1, both optional): their model and validation.

`[policy]` is what a platform team enforces through each assistant's managed, admin-owned layer (`aistack
policy`): whether engineers may add MCP servers of their own beside the org's, which servers are denied (by
name, URL pattern or command), and per-server tool allowlists. `[telemetry]` is where the assistants send their
OpenTelemetry data: the collector's OTLP endpoint and protocol, static headers, whether the user's token is sent
to it (by a helper, never written into a file) and whether prompts may be logged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from aistack.profile.values import CONTROL, SERVER_NAME, url_problem, without_userinfo

if TYPE_CHECKING:
    from aistack.profile.schema import McpServer, _Checker

SERVER_MODES = ("org-and-user", "org-only")
OTLP_PROTOCOLS = ("http/protobuf", "http/json", "grpc")
TOOL_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")


@dataclass(frozen=True)
class Policy:
    servers: str = "org-and-user"
    deny_names: list[str] = field(default_factory=list)
    deny_urls: list[str] = field(default_factory=list)
    deny_commands: list[str] = field(default_factory=list)
    tools: dict[str, list[str]] = field(default_factory=dict)

    @property
    def org_only(self) -> bool:
        return self.servers == "org-only"

    def denies(self, name: str, url: str | None = None, command: str | None = None) -> str | None:
        """Why a server with this name, URL or command is denied (the rule, as the profile wrote it), or None."""
        for pattern in self.deny_names:
            if fnmatchcase(name.lower(), pattern.lower()):
                return f"its name matches `policy.deny_names` {pattern!r}"
        if url is not None:
            for pattern in self.deny_urls:
                if fnmatchcase(url, pattern):
                    return f"its URL matches `policy.deny_urls` {pattern!r}"
        if command is not None:
            base = re.split(r"[\\/]", command)[-1]
            for denied in self.deny_commands:
                if command == denied or base == denied or base.removesuffix(".exe") == denied:
                    return f"its command is in `policy.deny_commands` ({denied!r})"
        return None


@dataclass(frozen=True)
class Telemetry:
    endpoint: str
    protocol: str = "http/protobuf"
    headers: dict[str, str] = field(default_factory=dict)
    auth: str = "none"
    log_prompts: bool = False


def _pattern_list(c: _Checker, data: dict, key: str, path: str, check) -> list[str]:
    values = c.strings(data, key, path)
    for i, value in enumerate(values):
        problem = check(value)
        if problem:
            raise c.fail(f"{path}[{i}]", problem, value)
    return values


def _name_pattern(value: str) -> str | None:
    return None if SERVER_NAME.fullmatch(value.replace("*", "a").replace("?", "a")) else (
        "a server name, optionally with `*` or `?` wildcards")


def _url_pattern(value: str) -> str | None:
    if CONTROL.search(value) or " " in value:
        return "a URL pattern without spaces or control characters"
    if not re.match(r"(https?|\*)://[^/]+", value):
        return "a URL pattern such as \"https://*.example.net/*\" (scheme, host, then optional `*` wildcards)"
    return None


def _command(value: str) -> str | None:
    return None if value.strip() == value and value and not CONTROL.search(value) else (
        "a program name such as \"npx\" or a full path, without spaces around it")


def parse_policy(c: _Checker, data: dict, servers: list[McpServer]) -> Policy | None:
    p = c.table(data, "policy", "policy")
    if p is None:
        return None
    c.no_unknown(p, {"servers", "deny_names", "deny_urls", "deny_commands", "tools"}, "policy")
    tools_table = c.table(p, "tools", "policy.tools") or {}
    tools: dict[str, list[str]] = {}
    for name in tools_table:
        path = f"policy.tools.{name}"
        if next((s for s in servers if s.name == name), None) is None:
            raise c.fail(path, "the name of one of the profile's [[mcp_servers]]"
                         f" ({', '.join(s.name for s in servers) or 'it has none'})", name)
        tools[name] = _pattern_list(c, tools_table, name, path,
                                    lambda v: None if TOOL_NAME.fullmatch(v) else "an MCP tool name")
    policy = Policy(
        servers=c.choice(p, "servers", "policy.servers", SERVER_MODES, "org-and-user") or "org-and-user",
        deny_names=_pattern_list(c, p, "deny_names", "policy.deny_names", _name_pattern),
        deny_urls=_pattern_list(c, p, "deny_urls", "policy.deny_urls", _url_pattern),
        deny_commands=_pattern_list(c, p, "deny_commands", "policy.deny_commands", _command),
        tools=tools,
    )
    for server in servers:
        why = policy.denies(server.name, server.url, server.command)
        if why:
            raise c.fail(f"mcp_servers.{server.name}", f"allowed by the profile's own policy, but {why}")
    return policy


def parse_telemetry(c: _Checker, data: dict) -> Telemetry | None:
    t = c.table(data, "telemetry", "telemetry")
    if t is None:
        return None
    c.no_unknown(t, {"endpoint", "protocol", "headers", "auth", "log_prompts"}, "telemetry")
    endpoint = c.string(t, "endpoint", "telemetry.endpoint", required=True) or ""
    problem = url_problem(endpoint)
    if problem:
        raise c.fail("telemetry.endpoint", problem, without_userinfo(endpoint))
    log_prompts: Any = t.get("log_prompts", False)
    if not isinstance(log_prompts, bool):
        raise c.fail("telemetry.log_prompts", "true or false", log_prompts)
    headers = c.headers(t, "headers", "telemetry.headers")
    for name in headers:
        if name.lower() in ("authorization", "proxy-authorization"):
            raise c.fail(f"telemetry.headers.{name}", "absent: a credential does not belong in a published profile;"
                         ' use `telemetry.auth = "token"` to send each user\'s own token')
    return Telemetry(
        endpoint=endpoint.rstrip("/"),
        protocol=c.choice(t, "protocol", "telemetry.protocol", OTLP_PROTOCOLS, "http/protobuf") or "http/protobuf",
        headers=headers,
        auth=c.choice(t, "auth", "telemetry.auth", ("token", "none"), "none") or "none",
        log_prompts=log_prompts,
    )
