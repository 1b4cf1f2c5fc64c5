"""Google Antigravity: the IDE's mcp_config.json, which 2.0 moved from ~/.gemini/antigravity/ to ~/.gemini/config/
(the one in use is chosen), and the Antigravity CLI's (`agy`) ~/.gemini/antigravity-cli/mcp_config.json, per
Gemini CLI's migration guide. Remote servers use `serverUrl`; servers needing the token go through
`aistack mcp-bridge`. Neither has a client that runs here (agy installs only by its own script)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from aistack.assistants import common
from aistack.assistants.base import ConfigFile, Context, Delivery, ManagedFile, Plan, Verified
from aistack.assistants.common import add_servers, mcp_entry, on_path
from aistack.paths import Env
from aistack.profile import Profile

NAME = "antigravity"
TITLE = "Antigravity"
SERVERS = {"mcp": ("mcpServers",), "cli": ("mcpServers",)}
PROJECT = {"mcp": ".agents/mcp_config.json"}  # repo-level files, relative to the project root
DELIVERY = Delivery("none", "bridge",
                    "MCP through `aistack mcp-bridge`")
GATEWAY = "none"
PROJECT_NOTE = None
COMMANDS = ("agy",)  # its executables: detection, `aistack run` routing
VERSION_COMMAND = None  # prints its version cheaply (doctor)
VERIFIED = (Verified("docs", "antigravity.google/docs/mcp; Gemini CLI's migrating-to-antigravity-cli.md",
                     "2026-12-02"),)
MANAGED: tuple[ManagedFile, ...] = ()  # no admin-owned file layer
MDM: dict[str, dict[str, Any]] = {}  # no MDM payload
admin_steps = common.no_admin_steps


def _ide_dirs(env: Env) -> tuple[PurePath, PurePath]:
    return env.under_home(".gemini", "antigravity"), env.under_home(".gemini", "config")


def _cli_dir(env: Env) -> PurePath:
    return env.under_home(".gemini", "antigravity-cli")


def files(env: Env) -> dict[str, ConfigFile]:
    legacy, current = (d.joinpath("mcp_config.json") for d in _ide_dirs(env))
    path = legacy if env.exists(legacy) and not env.exists(current) else current
    return {"mcp": ConfigFile("mcp", path, "json"),
            "cli": ConfigFile("cli", _cli_dir(env).joinpath("mcp_config.json"), "json")}


def _cli_here(env: Env) -> bool:
    return on_path(env, *COMMANDS) or env.exists(_cli_dir(env))


def detect(env: Env) -> bool:
    return any(env.exists(d) for d in _ide_dirs(env)) or _cli_here(env)


def plan(profile: Profile, ctx: Context) -> Plan:
    p = Plan()
    cli = _cli_here(ctx.env)
    ide = not cli or any(ctx.env.exists(d) for d in _ide_dirs(ctx.env))
    for key, here in (("mcp", ide), ("cli", cli)):
        if here:
            add_servers(p, profile, ctx, key, SERVERS[key],
                        lambda s: mcp_entry(s, profile, ctx, url_key="serverUrl", gui=True))
    return p


run_env = common.no_run_env
managed = common.no_managed
managed_verdict = common.no_managed_verdict
