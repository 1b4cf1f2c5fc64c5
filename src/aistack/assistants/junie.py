"""JetBrains Junie: ~/.junie/mcp/mcp.json, stdio servers only: remote servers go through `aistack mcp-bridge`."""

from __future__ import annotations

from typing import Any

from aistack.assistants import common
from aistack.assistants.base import ConfigFile, Context, Delivery, ManagedFile, Plan, Verified
from aistack.assistants.common import add_servers, mcp_entry
from aistack.paths import Env
from aistack.profile import Profile

NAME = "junie"
TITLE = "JetBrains Junie"
SERVERS = {"mcp": ("mcpServers",)}
PROJECT = {"mcp": ".junie/mcp/mcp.json"}  # repo-level files, relative to the project root
DELIVERY = Delivery("none", "bridge",
                    "MCP through `aistack mcp-bridge` (stdio servers only)")
GATEWAY = "none"
PROJECT_NOTE = None
COMMANDS = ()  # its executables: detection, `aistack run` routing
VERSION_COMMAND = None  # prints its version cheaply (doctor)
VERIFIED = (Verified("docs", "jetbrains.com/help/junie (MCP settings)", "2026-11"),)
MANAGED: tuple[ManagedFile, ...] = ()  # no admin-owned file layer
MDM: dict[str, dict[str, Any]] = {}  # no MDM payload
admin_steps = common.no_admin_steps


def files(env: Env) -> dict[str, ConfigFile]:
    return {"mcp": ConfigFile("mcp", env.under_home(".junie", "mcp", "mcp.json"), "json")}


def detect(env: Env) -> bool:
    return env.exists(env.under_home(".junie"))


def plan(profile: Profile, ctx: Context) -> Plan:
    p = Plan()
    add_servers(p, profile, ctx, "mcp", SERVERS["mcp"],
                lambda s: mcp_entry(s, profile, ctx, gui=True, remote=False))
    if profile.gateway:
        p.manual.append("Junie has no documented setting for a custom model gateway.")
    return p


run_env = common.no_run_env
managed = common.no_managed
managed_verdict = common.no_managed_verdict
