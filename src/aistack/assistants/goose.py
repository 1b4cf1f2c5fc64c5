"""Goose: `extensions` in ~/.config/goose/config.yaml (Windows %APPDATA%\\Block\\goose\\config). No interpolation
(secrets go through the keyring) and no SSE: servers needing the token or speaking SSE go through
`aistack mcp-bridge`. Model traffic: a custom provider file whose base URL is the relay (which adds a fresh token);
the key it reads from AISTACK_TOKEN by name is what `aistack run goose` sets, and the relay drops it."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from aistack.assistants import common
from aistack.assistants.base import ConfigFile, Context, Delivery, ManagedFile, Plan, Verified
from aistack.assistants.common import bridge_command, on_path, relay_or_gateway, stdio_command
from aistack.paths import Env
from aistack.profile import McpServer, Profile

NAME = "goose"
TITLE = "Goose"
SERVERS = {"config": ("extensions",)}
DELIVERY = Delivery("relay", "bridge",
                    "the custom provider's base_url at the relay; MCP through `aistack mcp-bridge`")
GATEWAY = "file"
PROJECT: dict[str, str] = {}  # no repo-level file
PROJECT_NOTE = None
COMMANDS = ("goose",)  # its executables: detection, `aistack run` routing
VERSION_COMMAND = "goose"  # prints its version cheaply (doctor)
VERIFIED = (Verified("docs", "goose documentation: guides/config-files.md", "2026-11"),)
PROVIDER = "aistack"
TIMEOUT = 300
MANAGED: tuple[ManagedFile, ...] = ()  # no admin-owned file layer
MDM: dict[str, dict[str, Any]] = {}  # no MDM payload
admin_steps = common.no_admin_steps


def _dir(env: Env) -> PurePath:
    return env.appdata().joinpath("Block", "goose", "config") if env.windows else env.xdg_config().joinpath("goose")


def files(env: Env) -> dict[str, ConfigFile]:
    return {"config": ConfigFile("config", _dir(env).joinpath("config.yaml"), "yaml"),
            "provider": ConfigFile("provider", _dir(env).joinpath("custom_providers", f"{PROVIDER}.json"), "json")}


def detect(env: Env) -> bool:
    return env.exists(_dir(env)) or on_path(env, *COMMANDS)


def _entry(server: McpServer, profile: Profile, ctx: Context) -> dict[str, Any]:
    base = {"name": server.name, "enabled": True, "timeout": TIMEOUT}
    if server.kind == "http" and server.auth != "token":
        entry = {**base, "type": "streamable_http", "uri": server.url}
        if server.headers:
            entry["headers"] = dict(server.headers)
        return entry
    command, args = stdio_command(server, ctx, gui=True) if server.kind == "stdio" else bridge_command(server, ctx)
    entry = {**base, "type": "stdio", "cmd": command, "args": args}
    if server.env and server.kind == "stdio":
        entry["envs"] = dict(server.env)
    return entry


def plan(profile: Profile, ctx: Context) -> Plan:
    p = Plan()
    for server in profile.mcp_servers:
        if server.kind == "sse" and server.auth == "oauth":
            p.skipped.append(f"MCP server `{server.name}`: Goose has no SSE transport and the bridge cannot sign in "
                             "with OAuth.")
            continue
        p.add("config", ("extensions", server.name), _entry(server, profile, ctx))
    gw = profile.gateway
    if gw:
        provider: dict[str, Any]
        provider = {"name": PROVIDER, "engine": "openai", "display_name": f"{profile.org_name} AI gateway",
                    "api_key_env": ctx.token_var, "base_url": relay_or_gateway(profile, ctx, "openai"), "models": []}
        if gw.headers and ctx.relay is None:
            provider["headers"] = dict(gw.headers)
        for key, value in provider.items():
            p.add("provider", (key,), value)
        p.manual.append(f"Goose: pick the `{PROVIDER}` provider (`goose configure`) and list the gateway's models "
                        f"in {files(ctx.env)['provider'].path}; start Goose with `aistack run goose`.")
    return p


run_env = common.no_run_env
managed = common.no_managed
managed_verdict = common.no_managed_verdict
