"""Devin Desktop, the Windsurf rebrand: ~/.config/devin/mcp_config.json once Devin has moved there, else the
Windsurf location it still reads. Same schema as Windsurf (`serverUrl`; token-protected servers at the relay)."""

from __future__ import annotations

from aistack.assistants import common, windsurf
from aistack.assistants.base import ConfigFile, Context, Delivery, Plan
from aistack.paths import Env
from aistack.profile import Profile

NAME = "devin"
TITLE = "Devin Desktop"
SERVERS = {"mcp": ("mcpServers",)}
PROJECT = {"mcp": ".devin/mcp_config.json"}  # repo-level files, relative to the project root
DELIVERY = Delivery("none", "relay",
                    "MCP serverUrl at the relay; SSE servers through the bridge")
GATEWAY = "none"
PROJECT_NOTE = None
COMMANDS = ()  # its executables: detection, `aistack run` routing
VERSION_COMMAND = None  # prints its version cheaply (doctor)


def _dir(env: Env):
    return env.appdata().joinpath("devin") if env.windows else env.xdg_config().joinpath("devin")


def files(env: Env) -> dict[str, ConfigFile]:
    if env.exists(_dir(env)):
        return {"mcp": ConfigFile("mcp", _dir(env).joinpath("mcp_config.json"), "json")}
    return windsurf.files(env)


def detect(env: Env) -> bool:
    return env.exists(_dir(env))


def plan(profile: Profile, ctx: Context) -> Plan:
    return windsurf.plan(profile, ctx, product=TITLE)


run_env = common.no_run_env
