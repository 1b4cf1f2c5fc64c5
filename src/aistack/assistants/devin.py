"""Devin: Devin Desktop (the Windsurf rebrand) reads ~/.config/devin/mcp_config.json once it has moved there, else the
Windsurf location it still reads (Windsurf's schema: `serverUrl`); Devin for Terminal (`devin`) reads
~/.config/devin/config.json (JSONC, `mcpServers`, a remote `url` tries streamable HTTP, then SSE). Both take a plain
URL, so token-protected servers are at the user's relay. Neither has a client that runs here: both follow Devin's
documentation."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from aistack.assistants import common, windsurf
from aistack.assistants.base import ConfigFile, Context, Delivery, ManagedFile, Plan, Verified
from aistack.assistants.common import add_servers, mcp_entry, on_path
from aistack.paths import Env
from aistack.profile import Profile

NAME = "devin"
TITLE = "Devin"
SERVERS = {"mcp": ("mcpServers",), "terminal": ("mcpServers",)}
PROJECT = {"mcp": ".devin/mcp_config.json"}  # repo-level files, relative to the project root
DELIVERY = Delivery("none", "relay",
                    "MCP serverUrl (Devin Desktop) or url (Devin for Terminal) at the relay; SSE servers through the "
                    "bridge")
GATEWAY = "none"
PROJECT_NOTE = None
COMMANDS = ("devin",)  # its executables: detection, `aistack run` routing
VERSION_COMMAND = None  # prints its version cheaply (doctor)
VERIFIED = (Verified("docs", "docs.devin.ai (Devin Desktop mcp_config.json; Devin for Terminal config.json)",
                     "2026-12-02"),)
MANAGED: tuple[ManagedFile, ...] = ()  # no admin-owned file layer
MDM: dict[str, dict[str, Any]] = {}  # no MDM payload


def _dir(env: Env) -> PurePath:
    return env.appdata().joinpath("devin") if env.windows else env.xdg_config().joinpath("devin")


def files(env: Env) -> dict[str, ConfigFile]:
    desktop = windsurf.files(env)["mcp"]
    if env.exists(_dir(env)):
        desktop = ConfigFile("mcp", _dir(env).joinpath("mcp_config.json"), "json")
    return {"mcp": desktop, "terminal": ConfigFile("terminal", _dir(env).joinpath("config.json"), "jsonc")}


def _terminal_here(env: Env) -> bool:
    return on_path(env, *COMMANDS) or env.exists(_dir(env).joinpath("config.json"))


def detect(env: Env) -> bool:
    return env.exists(_dir(env)) or on_path(env, *COMMANDS)


def plan(profile: Profile, ctx: Context) -> Plan:
    terminal = _terminal_here(ctx.env)
    desktop = not terminal or ctx.env.exists(files(ctx.env)["mcp"].path)
    p = windsurf.plan(profile, ctx, product="Devin") if desktop else Plan()
    if terminal:
        add_servers(p, profile, ctx, "terminal", SERVERS["terminal"],
                    lambda s: mcp_entry(s, profile, ctx, relay=True, gui=True))
    return p


run_env = common.no_run_env
managed = common.no_managed


def admin_steps(profile: Profile) -> list[str]:
    """Devin's team MCP allowlist is Windsurf's, in Devin's admin dashboard."""
    return windsurf.admin_steps(profile, "Devin", "app.devin.ai > Settings > Team > MCP servers")
managed_verdict = common.no_managed_verdict
