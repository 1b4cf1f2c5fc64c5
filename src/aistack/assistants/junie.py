"""JetBrains Junie: ~/.junie/mcp/mcp.json, stdio servers only: remote servers go through `aistack mcp-bridge`."""

from __future__ import annotations

from aistack.assistants.base import ConfigFile, Context, Plan
from aistack.assistants.common import bridge_command, stdio_command
from aistack.paths import Env
from aistack.profile import Profile

NAME = "junie"
TITLE = "JetBrains Junie"
SERVERS = {"mcp": ("mcpServers",)}
PROJECT = {"mcp": ".junie/mcp/mcp.json"}  # repo-level files, relative to the project root
DELIVERY = "bridge"
GATEWAY = "none"


def files(env: Env) -> dict[str, ConfigFile]:
    return {"mcp": ConfigFile("mcp", env.under_home(".junie", "mcp", "mcp.json"), "json")}


def detect(env: Env) -> bool:
    return env.exists(env.under_home(".junie"))


def plan(profile: Profile, ctx: Context) -> Plan:
    p = Plan()
    for server in profile.mcp_servers:
        if server.kind != "stdio" and server.auth == "oauth":
            p.skipped.append(f"MCP server `{server.name}` signs in with OAuth, which Junie's stdio-only file "
                             "cannot express.")
            continue
        command, args = stdio_command(server, ctx, gui=True) if server.kind == "stdio" else bridge_command(server, ctx)
        entry: dict = {"command": command, "args": args}
        if server.env and server.kind == "stdio":
            entry["env"] = dict(server.env)
        p.add("mcp", ("mcpServers", server.name), entry)
    if profile.gateway:
        p.manual.append("Junie has no documented setting for a custom model gateway.")
    return p
