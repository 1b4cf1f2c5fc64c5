"""Google Antigravity: mcp_config.json with `serverUrl`; 2.0 moved it from ~/.gemini/antigravity/ to
~/.gemini/config/ (the one in use is chosen). Servers needing the token go through `aistack mcp-bridge`."""

from __future__ import annotations

from aistack.assistants import common
from aistack.assistants.base import ConfigFile, Context, Delivery, Plan
from aistack.assistants.common import add_servers, mcp_entry
from aistack.paths import Env
from aistack.profile import Profile

NAME = "antigravity"
TITLE = "Antigravity"
SERVERS = {"mcp": ("mcpServers",)}
PROJECT = {"mcp": ".agents/mcp_config.json"}  # repo-level files, relative to the project root
DELIVERY = Delivery("none", "bridge",
                    "MCP through `aistack mcp-bridge`")
GATEWAY = "none"
PROJECT_NOTE = None
COMMANDS = ()  # its executables: detection, `aistack run` routing
VERSION_COMMAND = None  # prints its version cheaply (doctor)


def files(env: Env) -> dict[str, ConfigFile]:
    legacy = env.under_home(".gemini", "antigravity", "mcp_config.json")
    current = env.under_home(".gemini", "config", "mcp_config.json")
    path = legacy if env.exists(legacy) and not env.exists(current) else current
    return {"mcp": ConfigFile("mcp", path, "json")}


def detect(env: Env) -> bool:
    return env.exists(env.under_home(".gemini", "antigravity")) or env.exists(env.under_home(".gemini", "config"))


def plan(profile: Profile, ctx: Context) -> Plan:
    p = Plan()
    add_servers(p, profile, ctx, "mcp", SERVERS["mcp"],
                lambda s: mcp_entry(s, profile, ctx, url_key="serverUrl", gui=True))
    return p


run_env = common.no_run_env
