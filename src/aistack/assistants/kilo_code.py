"""Kilo Code: the VS Code extension's mcp_settings.json (Roo's shape) in its global storage."""

from __future__ import annotations

from aistack.assistants import vscode_extension
from aistack.assistants.base import ConfigFile, Context, Plan
from aistack.paths import Env
from aistack.profile import Profile

NAME = "kilo-code"
TITLE = "Kilo Code"
SERVERS = {"mcp": ("mcpServers",)}
PROJECT = {"mcp": ".kilocode/mcp.json"}  # repo-level files, relative to the project root
DELIVERY = "bridge"
GATEWAY = "manual"
EXTENSION = "kilocode.kilo-code"


def files(env: Env) -> dict[str, ConfigFile]:
    return {"mcp": ConfigFile("mcp", vscode_extension.storage(env, EXTENSION, "mcp_settings.json"), "json")}


def detect(env: Env) -> bool:
    return env.exists(files(env)["mcp"].path.parent.parent)


def plan(profile: Profile, ctx: Context) -> Plan:
    return vscode_extension.plan(profile, ctx, TITLE, {"http": "streamable-http", "sse": "sse"})
