"""Cline (VS Code extension): cline_mcp_settings.json in its global storage; `streamableHttp` / `sse` types."""

from __future__ import annotations

from aistack.assistants import common, vscode_extension
from aistack.assistants.base import ConfigFile, Context, Delivery, Plan
from aistack.paths import Env
from aistack.profile import Profile

NAME = "cline"
TITLE = "Cline"
SERVERS = {"mcp": ("mcpServers",)}
DELIVERY = Delivery("manual", "bridge",
                    "MCP through `aistack mcp-bridge`; models: an OpenAI-compatible base URL at the relay with any "
                    "key, set by hand")
GATEWAY = "manual"
PROJECT: dict[str, str] = {}  # no repo-level file
PROJECT_NOTE = None
COMMANDS = ()  # its executables: detection, `aistack run` routing
VERSION_COMMAND = None  # prints its version cheaply (doctor)
EXTENSION = "saoudrizwan.claude-dev"


def files(env: Env) -> dict[str, ConfigFile]:
    override = env.from_var("CLINE_MCP_SETTINGS_PATH")
    path = override or vscode_extension.storage(env, EXTENSION, "cline_mcp_settings.json")
    return {"mcp": ConfigFile("mcp", path, "json")}


def detect(env: Env) -> bool:
    return env.exists(files(env)["mcp"].path.parent.parent)


def plan(profile: Profile, ctx: Context) -> Plan:
    return vscode_extension.plan(profile, ctx, TITLE, {"http": "streamableHttp", "sse": "sse"})


run_env = common.no_run_env
