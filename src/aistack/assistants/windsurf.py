"""Windsurf (Cascade): ~/.codeium/windsurf/mcp_config.json; remote servers use `serverUrl`, headers
`${env:AISTACK_TOKEN}`. Windsurf cannot route model traffic through a custom gateway."""

from __future__ import annotations

from aistack.assistants.base import ConfigFile, Context, Plan
from aistack.assistants.common import auth_headers, exists, stdio_command
from aistack.paths import Env
from aistack.profile import Profile

NAME = "windsurf"
TITLE = "Windsurf"
SERVERS = {"mcp": ("mcpServers",)}  # where each file keeps its MCP servers
DELIVERY = "env"


def files(env: Env) -> dict[str, ConfigFile]:
    return {"mcp": ConfigFile("mcp", env.under_home(".codeium", "windsurf", "mcp_config.json"), "json")}


def detect(env: Env) -> bool:
    return exists(env.under_home(".codeium", "windsurf"))


def server_entry(server, profile: Profile, ctx: Context, url_key: str = "serverUrl") -> dict:
    if server.kind == "stdio":
        command, args = stdio_command(server, ctx)
        entry = {"command": command, "args": args}
        if server.env:
            entry["env"] = dict(server.env)
        return entry
    entry = {url_key: server.url}
    headers = auth_headers(profile, server, f"${{env:{ctx.token_var}}}")
    if headers:
        entry["headers"] = headers
    return entry


def plan(profile: Profile, ctx: Context) -> Plan:
    p = Plan()
    for server in profile.mcp_servers:
        p.add("mcp", ("mcpServers", server.name), server_entry(server, profile, ctx))
    if profile.gateway:
        p.manual.append("Windsurf cannot send model traffic through a custom gateway; its models stay on "
                        "Windsurf's own service.")
    return p
