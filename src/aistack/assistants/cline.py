"""Cline (VS Code extension): cline_mcp_settings.json in its global storage; `streamableHttp` / `sse` types."""

from __future__ import annotations

from aistack.assistants import vscode_extension
from aistack.assistants.base import ConfigFile, Context, Plan
from aistack.paths import Env
from aistack.profile import Profile

NAME = "cline"
TITLE = "Cline"
SERVERS = {"mcp": ("mcpServers",)}
DELIVERY = "bridge"
GATEWAY = "manual"
EXTENSION = "saoudrizwan.claude-dev"


def files(env: Env) -> dict[str, ConfigFile]:
    override = env.from_var("CLINE_MCP_SETTINGS_PATH")
    path = override or vscode_extension.storage(env, EXTENSION, "cline_mcp_settings.json")
    return {"mcp": ConfigFile("mcp", path, "json")}


def detect(env: Env) -> bool:
    return env.exists(files(env)["mcp"].path.parent.parent)


def plan(profile: Profile, ctx: Context) -> Plan:
    return vscode_extension.plan(profile, ctx, TITLE, {"http": "streamableHttp", "sse": "sse"})
