"""Codex: ~/.codex/config.toml ([mcp_servers.*], [model_providers.*]). Codex runs aistack itself: its model
provider's `auth.command` (`aistack token`, run again when the token is older than `refresh_interval_ms` and after
a 401) and each MCP server's `http_headers_helper` (`aistack token --headers-json`, per connection and after a 401),
so no `aistack run` is needed. Codex has no interpolation and no SSE transport.

Its admin layer (`managed`): requirements.toml's `[mcp_servers.NAME.identity]` (`command` or `url`), an allowlist
of name and identity (codex-rs config_requirements.rs `McpServerRequirement`): written only for an org-only
policy, since requirements cannot deny one server and allow the rest."""

from __future__ import annotations

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
from aistack.profile import Profile

NAME = "codex"
TITLE = "Codex CLI"
SERVERS = {"config": ("mcp_servers",)}  # where each file keeps its MCP servers
PROJECT = {"config": ".codex/config.toml"}  # repo-level files, relative to the project root
PROJECT_NOTE = ('Codex reads .codex/config.toml only in projects the user has trusted '
                '(`[projects."<path>"] trust_level = "trusted"`), and never its model providers.')
DELIVERY = Delivery("helper", "helper",
                    "the model provider's auth.command runs `aistack token` (again after a 401); MCP "
                    "http_headers_helper per connection; a gateway with its own token header: base_url at the relay")
GATEWAY = "file"
COMMANDS = ("codex",)  # its executables: detection, `aistack run` routing
VERSION_COMMAND = "codex"  # prints its version cheaply (doctor)
VERIFIED = (Verified("client", "codex", "0.171.0"),
            Verified("schema", "codex-config.schema.json", "2026-12-02"))
PROVIDER_ID = "aistack"
ROUTING = "gateway routing"  # soft edits: left out together when the user chose their own route
# Verified with codex 0.169.0 (`ModelProviderAuthInfo`): run at start, again once the token is older than the
# interval, and at once after a 401; the timeout leaves room for a refresh at the IdP.
AUTH = {"timeout_ms": 30000, "refresh_interval_ms": 60000}
MANAGED = (  # developers.openai.com/codex/enterprise/managed-configuration
    ManagedFile("requirements", "toml", {"linux": "/etc/codex/requirements.toml",
                                         "darwin": "/etc/codex/requirements.toml"}),
)
admin_steps = common.no_admin_steps

MDM = {"requirements": {"domain": "com.openai.codex", "key": "requirements_toml_base64"}}  # the file, base64


def _home(env: Env) -> PurePath:
    return env.from_var("CODEX_HOME") or env.under_home(".codex")


def files(env: Env) -> dict[str, ConfigFile]:
    return {"config": ConfigFile("config", _home(env).joinpath("config.toml"), "toml")}


def detect(env: Env) -> bool:
    return env.exists(_home(env)) or on_path(env, *COMMANDS)


def plan(profile: Profile, ctx: Context) -> Plan:
    p = Plan()
    header = profile.gateway.token_header if profile.gateway else "Authorization"
    for server in profile.mcp_servers:
        if server.kind == "sse":
            p.skipped.append(f"MCP server `{server.name}`: Codex has no SSE transport (streamable HTTP or stdio only).")
            continue
        if server.kind == "stdio":
            command, args = stdio_command(server, ctx)
            entry: dict[str, Any] = {"command": command, "args": args}
            if server.env:
                entry["env"] = dict(server.env)
        else:
            entry = {"url": server.url}
            if server.auth == "token":
                # Codex runs the helper on every connection: a fresh token without `aistack run`.
                entry["http_headers_helper"] = helper_command(ctx, "token", "--headers-json", "--server", server.name)
            elif server.headers:
                entry["http_headers"] = dict(server.headers)
        p.add("config", ("mcp_servers", server.name), entry)
    gw = profile.gateway
    if gw:
        # `auth` always sends `Authorization: Bearer`: a gateway with its own token header gets the relay instead.
        relayed = not is_bearer(header) and ctx.relay is not None
        base = ctx.relay_gateway("openai") if relayed else gateway_base(profile, "openai")
        provider: dict[str, Any] = {"name": f"{profile.org_name} AI gateway", "base_url": base, "wire_api": "responses"}
        if is_bearer(header):
            provider["auth"] = dict(AUTH, command=ctx.aistack, args=["token"])
        elif not relayed:
            p.manual.append(f"Codex sends a fresh token as Authorization only; the gateway expects `{header}`: "
                            "without the relay, ask your platform team to accept the bearer token.")
        if gw.headers and not relayed:
            provider["http_headers"] = dict(gw.headers)
        p.add("config", ("model_providers", PROVIDER_ID), provider, soft=ROUTING)
        p.add("config", ("model_provider",), PROVIDER_ID, soft=ROUTING)
    telemetry(p, profile, ctx)
    return p


OTLP_HTTP = {"http/protobuf": "binary", "http/json": "json"}  # otel exporter `protocol` (codex 0.171.0 refuses others)
HEADERS_REFRESH_MS = 60000  # `aistack token` hands out a token valid for at least 60 s more


def telemetry(p: Plan, profile: Profile, ctx: Context) -> None:
    """The `[otel]` table: logs (`exporter`) and metrics (`metrics_exporter`) to the collector, `otlp-http` with the
    signal's path, or `otlp-grpc`. The user's token through `otel.headers_helper` (verified with codex 0.171.0: the
    command line is run with its arguments, again every `headers_helper_refresh_interval_ms`, and the JSON object
    it prints is sent as headers), which also prints the static headers."""
    t = profile.telemetry
    if t is None:
        return
    helper = t.auth == "token"

    def exporter(signal: str) -> dict[str, Any]:
        if t.protocol == "grpc":
            target: dict[str, Any] = {"endpoint": t.endpoint}
            kind = "otlp-grpc"
        else:
            target = {"endpoint": f"{t.endpoint}/v1/{signal}", "protocol": OTLP_HTTP[t.protocol]}
            kind = "otlp-http"
        if t.headers and not helper:
            target["headers"] = dict(t.headers)
        return {kind: target}

    # One table: a user's own `[otel]` (any of it) is their telemetry choice, and --force replaces it whole.
    table: dict[str, Any] = {"log_user_prompt": t.log_prompts}
    if helper:
        table["headers_helper"] = helper_command(ctx, "token", "--headers-json", "--telemetry")
        table["headers_helper_refresh_interval_ms"] = HEADERS_REFRESH_MS
    table["exporter"] = exporter("logs")
    table["metrics_exporter"] = exporter("metrics")
    p.add("config", ("otel",), table, soft=TELEMETRY)

run_env = common.no_run_env


def managed(profile: Profile) -> dict[str, Any]:
    """requirements.toml: the org's servers by name and identity, when only they may run."""
    if profile.policy is None or not profile.policy.org_only:
        return {}
    allowed: dict[str, Any] = {}
    for server in org_servers(profile):
        if server.kind == "sse":
            continue  # Codex has no SSE transport: nothing of the org's to allow
        identity = {"url": server.url} if server.kind == "http" else {"command": stdio_command(server, SHARED)[0]}
        allowed[server.name] = {"identity": identity}
    return {"requirements": {"mcp_servers": allowed}}
# How Codex judges a server against requirements.toml (codex PR #9101; codex 0.171.0 reports "the MCP server is
# disabled by managed requirements"): once `[mcp_servers]` is there, a server runs only when its name is listed
# and the listed `identity` (`command` for stdio, `url` for streamable HTTP) is its own.
REQUIREMENTS = "requirements.toml"


def managed_verdict(docs: dict[str, Any], name: str, entry: Any) -> str | None:
    required = docs.get("requirements")
    if not isinstance(required, dict) or "mcp_servers" not in required:
        return None
    allowed = required["mcp_servers"]
    if not isinstance(allowed, dict):
        return f"{REQUIREMENTS} mcp_servers is not a table; Codex refuses requirements it cannot read"
    if name not in allowed:
        return f"{REQUIREMENTS} [mcp_servers] does not list '{name}'"
    identity = allowed[name].get("identity") if isinstance(allowed[name], dict) else None
    entry = entry if isinstance(entry, dict) else {}
    if isinstance(identity, dict):
        for key in ("command", "url"):
            if key in identity and identity[key] != entry.get(key):
                return (f"{REQUIREMENTS} mcp_servers.{name}.identity.{key} is {identity[key]!r}, not the "
                        f"server's {entry.get(key)!r}")
    return None
