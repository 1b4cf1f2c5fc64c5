"""Amp: ~/.config/amp/settings.json, else settings.jsonc (JSONC), servers under the literal dotted key
"amp.mcpServers". Amp expands `${AISTACK_TOKEN}` in headers (verified with amp 0.0.1790142911), but once per
session, so token-protected servers are at the user's relay, which adds a fresh token to every request. Amp's models
always run on Amp's own service."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from aistack.assistants import common
from aistack.assistants.base import ConfigFile, Context, Delivery, ManagedFile, Plan, Verified
from aistack.assistants.common import add_servers, mcp_entry, on_path
from aistack.paths import Env
from aistack.profile import Profile

NAME = "amp"
TITLE = "Amp"
SERVERS = {"settings": ("amp.mcpServers",)}
PROJECT = {"settings": ".amp/settings.json"}  # repo-level files, relative to the project root
DELIVERY = Delivery("none", "relay",
                    "MCP url at the relay (Amp runs no header helper; a `${AISTACK_TOKEN}` header would be read "
                    "once)")
GATEWAY = "none"
PROJECT_NOTE = "Amp asks each person to approve a workspace's servers (`amp mcp approve NAME`) before it starts them."
COMMANDS = ("amp",)  # its executables: detection, `aistack run` routing
VERSION_COMMAND = "amp"  # prints its version cheaply (doctor)
VERIFIED = (Verified("client", "amp", "0.0.1790142911-g7618fb"),)
MANAGED: tuple[ManagedFile, ...] = ()  # no admin-owned file layer
MDM: dict[str, dict[str, Any]] = {}  # no MDM payload
admin_steps = common.no_admin_steps


def _dir(env: Env) -> PurePath:
    return env.under_home(".config", "amp") if env.windows else env.xdg_config().joinpath("amp")


def files(env: Env) -> dict[str, ConfigFile]:
    # Amp reads settings.json when both exist (verified); settings.jsonc only when it is the one there.
    json_, jsonc = _dir(env).joinpath("settings.json"), _dir(env).joinpath("settings.jsonc")
    path = jsonc if env.exists(jsonc) and not env.exists(json_) else json_
    return {"settings": ConfigFile("settings", path, "jsonc")}


def detect(env: Env) -> bool:
    return env.exists(_dir(env)) or on_path(env, *COMMANDS)


def plan(profile: Profile, ctx: Context) -> Plan:
    p = Plan()
    add_servers(p, profile, ctx, "settings", SERVERS["settings"],
                lambda s: mcp_entry(s, profile, ctx, relay=True))
    if profile.gateway:
        p.manual.append("Amp has no setting for a custom model gateway; its models stay on Amp's own service.")
    return p


run_env = common.no_run_env
managed = common.no_managed
managed_verdict = common.no_managed_verdict
