"""Codex: ~/.codex/config.toml ([mcp_servers.*], [model_providers.*]). MCP servers get the token from
`http_headers_helper` (`aistack token --headers-json`); the model provider reads it from AISTACK_TOKEN by name
(`env_key`), so Codex runs as `aistack run codex`. Codex has no interpolation and no SSE transport."""

from __future__ import annotations

from aistack.assistants import common
from aistack.assistants.base import ConfigFile, Context, Plan, Verified
from aistack.headers import is_bearer
from aistack.assistants.common import gateway_base, helper_command, on_path, run_hint, stdio_command
from aistack.paths import Env
from aistack.profile import Profile

NAME = "codex"
TITLE = "Codex CLI"
SERVERS = {"config": ("mcp_servers",)}  # where each file keeps its MCP servers
PROJECT = {"config": ".codex/config.toml"}  # repo-level files, relative to the project root
PROJECT_NOTE = ('Codex reads .codex/config.toml only in projects the user has trusted '
                '(`[projects."<path>"] trust_level = "trusted"`), and never its model providers.')
DELIVERY = "helper"
GATEWAY = "file"
COMMANDS = ("codex",)  # its executables: detection, `aistack run` routing
VERSION_COMMAND = "codex"  # prints its version cheaply (doctor)
VERIFIED = (Verified("client", "codex", "0.171.0"),
            Verified("schema", "codex-config.schema.json", "2026-12-02"))
PROVIDER_ID = "aistack"
ROUTING = "gateway routing"  # soft edits: left out together when the user chose their own route


def _home(env: Env):
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
            entry: dict = {"command": command, "args": args}
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
        provider: dict = {"name": f"{profile.org_name} AI gateway", "base_url": gateway_base(profile, "openai"),
                          "wire_api": "responses"}
        if is_bearer(header):
            provider["env_key"] = ctx.token_var
        else:
            provider["env_http_headers"] = {header: ctx.token_var}
        if gw.headers:
            provider["http_headers"] = dict(gw.headers)
        p.add("config", ("model_providers", PROVIDER_ID), provider, soft=ROUTING)
        p.add("config", ("model_provider",), PROVIDER_ID, soft=ROUTING)
    p.manual.append(run_hint("codex"))
    return p


run_env = common.no_run_env
