"""Gemini CLI: ~/.gemini/settings.json (JSON with comments). Headers reference `$AISTACK_TOKEN`, which Gemini
expands from its environment (`aistack run gemini`)."""

from __future__ import annotations

from aistack.assistants.base import ConfigFile, Context, Plan
from aistack.assistants.common import auth_headers, exists, on_path, stdio_command
from aistack.paths import Env
from aistack.profile import Profile

NAME = "gemini-cli"
TITLE = "Gemini CLI"
SERVERS = {"settings": ("mcpServers",)}  # where each file keeps its MCP servers
DELIVERY = "env"


def files(env: Env) -> dict[str, ConfigFile]:
    return {"settings": ConfigFile("settings", env.under_home(".gemini", "settings.json"), "jsonc")}


def detect(env: Env) -> bool:
    return exists(env.under_home(".gemini")) or on_path(env, "gemini")


def server_entry(server, profile: Profile, ctx: Context) -> dict:
    if server.kind == "stdio":
        command, args = stdio_command(server, ctx)
        entry = {"command": command, "args": args}
        if server.env:
            entry["env"] = dict(server.env)
        return entry
    entry = {"type": server.kind, "url": server.url}
    headers = auth_headers(profile, server, f"${ctx.token_var}")
    if headers:
        entry["headers"] = headers
    return entry


def plan(profile: Profile, ctx: Context) -> Plan:
    p = Plan()
    for server in profile.mcp_servers:
        p.add("settings", ("mcpServers", server.name), server_entry(server, profile, ctx))
    return p
