"""Claude Code: MCP servers in ~/.claude.json (user scope), gateway routing in ~/.claude/settings.json.

Tokens reach it through its own helpers: `apiKeyHelper` for model traffic (run again on a 401), MCP `headersHelper` per
server and connection.

Its admin layer (`managed`): managed-settings.json's `deniedMcpServers` (exact names, URL patterns) and, for an
org-only policy, managed-mcp.json (the org's servers, which then have exclusive control) with
`allowManagedMcpServersOnly` and `allowedMcpServers`. Matchers as claude 2.1.332 validates them: exactly one of
`serverName` (letters, digits, `-`, `_`: no wildcard), `serverUrl` (`*` wildcards) or `serverCommand` (the whole
[command, ...args], matched exactly: a bare program name cannot be denied, so `deny_commands` is left to setup).
Per-server tool allowlists have no managed key in Claude Code.
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any

from aistack.assistants import common
from aistack.assistants.base import ConfigFile, Context, Delivery, ManagedFile, Plan, Verified
from aistack.assistants.common import (
    SHARED,
    TELEMETRY,
    gateway_base,
    helper_command,
    on_path,
    org_servers,
    stdio_command,
)
from aistack.headers import is_bearer
from aistack.paths import Env
from aistack.profile import McpServer, Profile

NAME = "claude-code"
TITLE = "Claude Code"
SERVERS = {"mcp": ("mcpServers",)}  # where each file keeps its MCP servers
PROJECT = {"mcp": ".mcp.json"}  # repo-level files, relative to the project root
PROJECT_NOTE = "Claude Code asks each person to approve the servers in a project's .mcp.json before using them."
DELIVERY = Delivery("helper", "helper",
                    "apiKeyHelper runs `aistack token` (again after a 401); MCP headersHelper per connection; a "
                    "gateway with its own token header: ANTHROPIC_BASE_URL at the relay")
GATEWAY = "file"
COMMANDS = ("claude",)  # its executables: detection, `aistack run` routing
VERSION_COMMAND = "claude"  # prints its version cheaply (doctor)
ROUTING = "gateway routing"  # soft edits: left out together when the user chose their own route
VERIFIED = (Verified("client", "claude", "2.1.332"),
            Verified("schema", "claude-code-settings.schema.json", "2026-12-02"))
MANAGED = (  # code.claude.com/docs/en/settings (managed settings), managed-mcp
    ManagedFile("managed-settings", "json", {"linux": "/etc/claude-code/managed-settings.json",
                                             "darwin": "/Library/Application Support/ClaudeCode/managed-settings.json",
                                             "win32": "C:\\Program Files\\ClaudeCode\\managed-settings.json"}),
    ManagedFile("managed-mcp", "json", {"linux": "/etc/claude-code/managed-mcp.json",
                                        "darwin": "/Library/Application Support/ClaudeCode/managed-mcp.json",
                                        "win32": "C:\\Program Files\\ClaudeCode\\managed-mcp.json"}),
)
admin_steps = common.no_admin_steps

# The same managed settings through MDM: the preference domain (its keys = the document's) and the policy registry
# value (a REG_SZ holding the JSON; claude 2.1.332 reads HKLM, then HKCU, `SOFTWARE\\Policies\\ClaudeCode`).
MDM = {"managed-settings": {"domain": "com.anthropic.claudecode",
                            "registry": ("HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\ClaudeCode", "Settings")}}


def _config_dir(env: Env) -> PurePath:
    return env.from_var("CLAUDE_CONFIG_DIR") or env.under_home(".claude")


def files(env: Env) -> dict[str, ConfigFile]:
    custom = env.from_var("CLAUDE_CONFIG_DIR")
    state = custom.joinpath(".claude.json") if custom else env.under_home(".claude.json")
    return {
        "mcp": ConfigFile("mcp", state, "json"),
        "settings": ConfigFile("settings", _config_dir(env).joinpath("settings.json"), "json"),
    }


def detect(env: Env) -> bool:
    return env.exists(_config_dir(env)) or env.exists(files(env)["mcp"].path) or on_path(env, *COMMANDS)


def server_entry(server: McpServer, profile: Profile, ctx: Context) -> dict[str, Any]:
    if server.kind == "stdio":
        command, args = stdio_command(server, ctx)
        return {"type": "stdio", "command": command, "args": args, "env": dict(server.env)}
    entry: dict[str, Any] = {"type": server.kind, "url": server.url}
    if server.auth == "token":
        entry["headersHelper"] = helper_command(ctx, "token", "--headers-json", "--server", server.name)
    elif server.headers:
        entry["headers"] = dict(server.headers)
    return entry


def plan(profile: Profile, ctx: Context) -> Plan:
    p = Plan()
    for server in profile.mcp_servers:
        p.add("mcp", ("mcpServers", server.name), server_entry(server, profile, ctx))
    gw = profile.gateway
    if gw:
        # Claude Code sends its key as Authorization/X-Api-Key only: for a gateway with its own token header, the
        # relay stands for the gateway and puts the token (and the static headers) where the gateway wants them.
        relayed = not is_bearer(gw.token_header) and ctx.relay is not None
        base = ctx.relay_gateway("anthropic") if relayed else gateway_base(profile, "anthropic")
        p.add("settings", ("env", "ANTHROPIC_BASE_URL"), base, soft=ROUTING)
        if gw.headers and not relayed:
            custom = "\n".join(f"{k}: {v}" for k, v in gw.headers.items())
            p.add("settings", ("env", "ANTHROPIC_CUSTOM_HEADERS"), custom, soft=ROUTING)
        if is_bearer(gw.token_header) or relayed:
            p.add("settings", ("apiKeyHelper",), helper_command(ctx, "token"), soft=ROUTING)  # re-run on a 401
        else:
            p.manual.append(f"Claude Code sends its key as Authorization/X-Api-Key only; the gateway expects "
                            f"`{gw.token_header}`: ask your platform team to accept the bearer token.")
    telemetry(p, profile, ctx)
    return p


def telemetry(p: Plan, profile: Profile, ctx: Context) -> None:
    """OpenTelemetry export (code.claude.com/docs/en/monitoring-usage), in settings.json `env`; the collector's
    headers, the user's token among them, from `otelHeadersHelper` (re-run as the token ages; verified with claude
    2.1.332: a command run by the shell, printing one JSON object of string values)."""
    t = profile.telemetry
    if t is None:
        return
    env = {"CLAUDE_CODE_ENABLE_TELEMETRY": "1", "OTEL_METRICS_EXPORTER": "otlp", "OTEL_LOGS_EXPORTER": "otlp",
           "OTEL_EXPORTER_OTLP_PROTOCOL": t.protocol, "OTEL_EXPORTER_OTLP_ENDPOINT": t.endpoint}
    if t.log_prompts:
        env["OTEL_LOG_USER_PROMPTS"] = "1"
    for key, value in env.items():
        p.add("settings", ("env", key), value, soft=TELEMETRY)
    if t.auth == "token" or t.headers:
        p.add("settings", ("otelHeadersHelper",), helper_command(ctx, "token", "--headers-json", "--telemetry"),
              soft=TELEMETRY)


run_env = common.no_run_env


def managed(profile: Profile) -> dict[str, Any]:
    """managed-settings.json (and managed-mcp.json when only the org's servers may run) for the profile's policy."""
    policy = profile.policy
    if policy is None:
        return {}
    denied = [{"serverName": n} for n in policy.deny_names if not any(c in n for c in "*?")]
    denied += [{"serverUrl": u} for u in policy.deny_urls]
    settings: dict[str, Any] = {"deniedMcpServers": denied} if denied else {}
    docs: dict[str, Any] = {}
    if policy.org_only:
        servers = org_servers(profile)
        settings["allowManagedMcpServersOnly"] = True
        settings["allowedMcpServers"] = [{"serverName": s.name} for s in servers]
        docs["managed-mcp"] = {"mcpServers": {s.name: server_entry(s, profile, SHARED) for s in servers}}
    if settings:
        docs["managed-settings"] = settings
    return dict(sorted(docs.items(), key=lambda kv: kv[0] != "managed-settings"))
# How Claude Code judges a server against its managed layer (read in claude 2.1.332's own code and schema):
# managed-mcp.json, while it exists, has exclusive control (every other server is ignored); a deniedMcpServers
# entry blocks in every scope and wins over the allowlist; allowedMcpServers undefined allows all, empty allows
# none, else a stdio server must match a `serverCommand` entry (exactly, [command, *args]) when the list has any,
# a remote one a `serverUrl` pattern when it has any, and otherwise its `serverName` (compared verbatim).
# allowManagedMcpServersOnly makes the managed allowlist the only one (a user's own list no longer counts).
SETTINGS_FILE, MCP_FILE = "managed-settings.json", "managed-mcp.json"


def _url_matches(pattern: str, url: str) -> bool:
    import re

    def plain(u: str) -> str:
        if "?" not in pattern:
            u = u.split("?", 1)[0]  # a pattern with no query matches the URL with any query
        return u.rstrip("/") if "*" not in pattern.split("://", 1)[-1].partition("/")[2] else u

    regex = ".*".join(re.escape(part) for part in plain(pattern).split("*"))
    return re.fullmatch(regex, plain(url)) is not None


def _matches(rule: Any, name: str, entry: dict[str, Any]) -> bool:
    if not isinstance(rule, dict):
        return False
    if "serverName" in rule:
        return bool(rule["serverName"] == name)
    if "serverCommand" in rule:
        command = [entry.get("command"), *(entry.get("args") or [])] if entry.get("command") else None
        return command is not None and rule["serverCommand"] == command
    if "serverUrl" in rule:
        return isinstance(rule["serverUrl"], str) and isinstance(entry.get("url"), str) and \
            _url_matches(rule["serverUrl"], entry["url"])
    return False


def managed_verdict(docs: dict[str, Any], name: str, entry: Any) -> str | None:
    entry = entry if isinstance(entry, dict) else {}
    if MCP_FILE.removesuffix(".json") in docs:
        servers = docs[MCP_FILE.removesuffix(".json")]
        servers = servers.get("mcpServers") if isinstance(servers, dict) else None
        own = f" ('{name}' is one of its servers: the organization provides it)" if \
            isinstance(servers, dict) and name in servers else ""
        return f"{MCP_FILE} is present and has exclusive control over MCP servers: Claude Code ignores the user's{own}"
    settings = docs.get(SETTINGS_FILE.removesuffix(".json"))
    if not isinstance(settings, dict):
        return None
    denied = settings.get("deniedMcpServers")
    if denied is not None and not isinstance(denied, list):
        return f"{SETTINGS_FILE} deniedMcpServers is not a list; Claude Code reads an unreadable policy as closed"
    for rule in denied or []:
        if _matches(rule, name, entry):
            return f"{SETTINGS_FILE} deniedMcpServers has {json.dumps(rule)}"
    allowed = settings.get("allowedMcpServers")
    if allowed is None:
        return None
    only = " (allowManagedMcpServersOnly: only this list counts)" if settings.get("allowManagedMcpServersOnly") is \
        True else ""
    if not isinstance(allowed, list):
        return f"{SETTINGS_FILE} allowedMcpServers is not a list; Claude Code reads an unreadable policy as closed"
    if not allowed:
        return f"{SETTINGS_FILE} allowedMcpServers is empty: no server is allowed{only}"
    rules = [r for r in allowed if isinstance(r, dict)]
    kind = "serverCommand" if entry.get("command") else "serverUrl" if entry.get("url") else None
    if kind and any(kind in r for r in rules):
        if any(kind in r and _matches(r, name, entry) for r in rules):
            return None
        what = "command" if kind == "serverCommand" else "URL"
        return f"{SETTINGS_FILE} allowedMcpServers has no {kind} entry matching the server's {what}{only}"
    if any(r.get("serverName") == name for r in rules):
        return None
    return f"{SETTINGS_FILE} allowedMcpServers does not list serverName '{name}'{only}"
