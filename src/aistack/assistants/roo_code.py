"""Roo Code (and its successor Zoo Code, which reads the same file): mcp_settings.json in global storage."""

from __future__ import annotations

from aistack.assistants import vscode_extension
from aistack.assistants.base import ConfigFile, Context, Plan
from aistack.paths import Env
from aistack.profile import Profile

NAME = "roo-code"
TITLE = "Roo Code"
SERVERS = {"mcp": ("mcpServers",)}
PROJECT = {"mcp": ".roo/mcp.json"}  # repo-level files, relative to the project root
DELIVERY = "bridge"
GATEWAY = "manual"
EXTENSION = "rooveterinaryinc.roo-cline"


def files(env: Env) -> dict[str, ConfigFile]:
    return {"mcp": ConfigFile("mcp", vscode_extension.storage(env, EXTENSION, "mcp_settings.json"), "json")}


def detect(env: Env) -> bool:
    return env.exists(files(env)["mcp"].path.parent.parent)


def plan(profile: Profile, ctx: Context) -> Plan:
    return vscode_extension.plan(profile, ctx, TITLE, {"http": "streamable-http", "sse": "sse"})
