"""Amp: ~/.config/amp/settings.json (or .jsonc), servers under the literal dotted key "amp.mcpServers"."""

from __future__ import annotations

from aistack.assistants import common
from aistack.assistants.base import ConfigFile, Context, Delivery, Plan
from aistack.assistants.common import add_servers, mcp_entry, on_path
from aistack.paths import Env
from aistack.profile import Profile

NAME = "amp"
TITLE = "Amp"
SERVERS = {"settings": ("amp.mcpServers",)}
PROJECT = {"settings": ".amp/settings.json"}  # repo-level files, relative to the project root
DELIVERY = Delivery("none", "bridge",
                    "MCP through `aistack mcp-bridge`")
GATEWAY = "none"
PROJECT_NOTE = None
COMMANDS = ("amp",)  # its executables: detection, `aistack run` routing
VERSION_COMMAND = None  # prints its version cheaply (doctor)


def _dir(env: Env):
    return env.under_home(".config", "amp") if env.windows else env.xdg_config().joinpath("amp")


def files(env: Env) -> dict[str, ConfigFile]:
    jsonc = _dir(env).joinpath("settings.jsonc")
    return {"settings": ConfigFile("settings", jsonc if env.exists(jsonc) else _dir(env).joinpath("settings.json"),
                                   "jsonc")}


def detect(env: Env) -> bool:
    return env.exists(_dir(env)) or on_path(env, *COMMANDS)


def plan(profile: Profile, ctx: Context) -> Plan:
    p = Plan()
    add_servers(p, profile, ctx, "settings", SERVERS["settings"], lambda s: mcp_entry(s, profile, ctx))
    if profile.gateway:
        p.manual.append("Amp has no setting for a custom model gateway; its models stay on Amp's own service.")
    return p


run_env = common.no_run_env
