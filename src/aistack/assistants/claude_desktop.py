"""Claude Desktop: claude_desktop_config.json (`mcpServers`, stdio only). Remote servers reach it through
`aistack mcp-bridge`; the Windows MSIX build keeps its file under %LOCALAPPDATA%\\Packages\\Claude_*."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from aistack.assistants import common
from aistack.assistants.base import ConfigFile, Context, Delivery, ManagedFile, Plan, Verified
from aistack.assistants.common import add_servers, mcp_entry
from aistack.paths import Env
from aistack.profile import Profile

NAME = "claude-desktop"
TITLE = "Claude Desktop"
SERVERS = {"config": ("mcpServers",)}
DELIVERY = Delivery("manual", "bridge",
                    "MCP through `aistack mcp-bridge` (its file takes stdio servers only); models: managed setting")
GATEWAY = "manual"
PROJECT: dict[str, str] = {}  # no repo-level file
PROJECT_NOTE = None
COMMANDS = ()  # its executables: detection, `aistack run` routing
VERSION_COMMAND = None  # prints its version cheaply (doctor)
VERIFIED = (Verified("docs", "modelcontextprotocol.io (claude_desktop_config.json)", "2026-11"),)
FILE = "claude_desktop_config.json"
MANAGED: tuple[ManagedFile, ...] = ()  # no admin-owned file layer
MDM: dict[str, dict[str, Any]] = {}  # no MDM payload
admin_steps = common.no_admin_steps


def _msix_dir(env: Env) -> PurePath | None:
    packages = env.localappdata().joinpath("Packages")
    found = env.children(packages, "Claude_*")
    return found[0].joinpath("LocalCache", "Roaming", "Claude") if found else None


def _dir(env: Env) -> PurePath:
    if env.windows:
        return _msix_dir(env) or env.appdata().joinpath("Claude")
    return env.app_support().joinpath("Claude")


def files(env: Env) -> dict[str, ConfigFile]:
    return {"config": ConfigFile("config", _dir(env).joinpath(FILE), "json")}


def detect(env: Env) -> bool:
    return env.exists(_dir(env)) or (env.windows and _msix_dir(env) is not None)


def plan(profile: Profile, ctx: Context) -> Plan:
    p = Plan()
    add_servers(p, profile, ctx, "config", SERVERS["config"],
                lambda s: mcp_entry(s, profile, ctx, gui=True, remote=False))
    if profile.gateway:
        p.manual.append("Claude Desktop's gateway (third-party inference) is set in Developer Mode or by MDM, "
                        "not in a file: ask your platform team for the managed setting.")
    return p


run_env = common.no_run_env
managed = common.no_managed
managed_verdict = common.no_managed_verdict
