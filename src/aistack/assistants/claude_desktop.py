"""Claude Desktop: claude_desktop_config.json (`mcpServers`, stdio only). Remote servers reach it through
`aistack mcp-bridge`; the Windows MSIX build keeps its file under %LOCALAPPDATA%\\Packages\\Claude_*."""

from __future__ import annotations

from aistack.assistants.base import ConfigFile, Context, Plan
from aistack.assistants.common import bridge_command, stdio_command
from aistack.paths import Env
from aistack.profile import Profile

NAME = "claude-desktop"
TITLE = "Claude Desktop"
SERVERS = {"config": ("mcpServers",)}
DELIVERY = "bridge"
GATEWAY = "manual"
FILE = "claude_desktop_config.json"


def _msix_dir(env: Env):
    packages = env.localappdata().joinpath("Packages")
    found = env.children(packages, "Claude_*")
    return found[0].joinpath("LocalCache", "Roaming", "Claude") if found else None


def _dir(env: Env):
    if env.windows:
        return _msix_dir(env) or env.appdata().joinpath("Claude")
    return env.app_support().joinpath("Claude")


def files(env: Env) -> dict[str, ConfigFile]:
    return {"config": ConfigFile("config", _dir(env).joinpath(FILE), "json")}


def detect(env: Env) -> bool:
    return env.exists(_dir(env)) or (env.windows and _msix_dir(env) is not None)


def plan(profile: Profile, ctx: Context) -> Plan:
    p = Plan()
    for server in profile.mcp_servers:
        if server.kind != "stdio" and server.auth == "oauth":
            p.skipped.append(f"MCP server `{server.name}` signs in with OAuth: add {server.url} in Claude Desktop "
                             "under Settings > Connectors.")
            continue
        command, args = stdio_command(server, ctx, gui=True) if server.kind == "stdio" else bridge_command(server, ctx)
        entry: dict = {"command": command, "args": args}
        if server.env and server.kind == "stdio":
            entry["env"] = dict(server.env)
        p.add("config", ("mcpServers", server.name), entry)
    if profile.gateway:
        p.manual.append("Claude Desktop's gateway (third-party inference) is set in Developer Mode or by MDM, "
                        "not in a file: ask your platform team for the managed setting.")
    return p
