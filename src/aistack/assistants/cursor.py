"""Cursor: ~/.cursor/mcp.json; headers use `${env:AISTACK_TOKEN}`. Its model endpoint is set only in the UI."""

from __future__ import annotations

from aistack.assistants.base import ConfigFile, Context, Plan
from aistack.assistants.common import auth_headers, exists, gateway_base, on_path, stdio_command
from aistack.paths import Env
from aistack.profile import Profile

NAME = "cursor"
TITLE = "Cursor"
SERVERS = {"mcp": ("mcpServers",)}  # where each file keeps its MCP servers
DELIVERY = "env"


def files(env: Env) -> dict[str, ConfigFile]:
    return {"mcp": ConfigFile("mcp", env.under_home(".cursor", "mcp.json"), "json")}


def detect(env: Env) -> bool:
    return exists(env.under_home(".cursor")) or on_path(env, "cursor", "cursor-agent")


def server_entry(server, profile: Profile, ctx: Context) -> dict:
    if server.kind == "stdio":
        command, args = stdio_command(server, ctx)
        entry = {"command": command, "args": args}
        if server.env:
            entry["env"] = dict(server.env)
        return entry
    entry: dict = {"url": server.url}
    if server.kind == "sse":
        entry["type"] = "sse"
    headers = auth_headers(profile, server, f"${{env:{ctx.token_var}}}")
    if headers:
        entry["headers"] = headers
    return entry


def plan(profile: Profile, ctx: Context) -> Plan:
    p = Plan()
    for server in profile.mcp_servers:
        p.add("mcp", ("mcpServers", server.name), server_entry(server, profile, ctx))
    if profile.gateway:
        p.manual.append(
            f"Cursor: Settings > Models > enable \"Override OpenAI Base URL\" and enter "
            f"{gateway_base(profile, 'openai')}; Cursor calls it from its own servers, so the gateway must be "
            f"reachable from the internet, and it cannot run `aistack token`: paste a key your platform team issues "
            f"for Cursor, not your login token (it expires within the hour).")
    return p
