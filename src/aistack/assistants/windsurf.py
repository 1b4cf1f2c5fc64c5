"""Windsurf (Cascade): ~/.codeium/windsurf/mcp_config.json; remote servers use `serverUrl`, token-protected ones the
user's relay, which adds a fresh token. Windsurf cannot route model traffic through a custom gateway."""

from __future__ import annotations

from aistack.assistants import common
from aistack.assistants.base import ConfigFile, Context, Delivery, ManagedFile, Plan, Verified
from aistack.assistants.common import add_servers, mcp_entry
from aistack.paths import Env
from aistack.profile import Profile

NAME = "windsurf"
TITLE = "Windsurf"
SERVERS = {"mcp": ("mcpServers",)}
DELIVERY = Delivery("none", "relay",
                    "MCP serverUrl at the relay; SSE servers through the bridge")
GATEWAY = "none"
PROJECT: dict[str, str] = {}  # no repo-level file
PROJECT_NOTE = None
COMMANDS = ()  # its executables: detection, `aistack run` routing
VERSION_COMMAND = None  # prints its version cheaply (doctor)
VERIFIED = (Verified("docs", "docs.windsurf.com (Cascade MCP, mcp_config.json)", "2026-11"),)
MANAGED: tuple[ManagedFile, ...] = ()  # no admin-owned file layer


def files(env: Env) -> dict[str, ConfigFile]:
    return {"mcp": ConfigFile("mcp", env.under_home(".codeium", "windsurf", "mcp_config.json"), "json")}


def detect(env: Env) -> bool:
    return env.exists(env.under_home(".codeium", "windsurf"))


def plan(profile: Profile, ctx: Context, product: str = "Windsurf") -> Plan:
    p = Plan()
    add_servers(p, profile, ctx, "mcp", SERVERS["mcp"],
                lambda s: mcp_entry(s, profile, ctx, relay=True, url_key="serverUrl", gui=True))
    if profile.gateway:
        p.manual.append(f"{product} cannot send model traffic through a custom gateway; its models stay on "
                        f"{product}'s own service.")
    return p


run_env = common.no_run_env
managed_verdict = common.no_managed_verdict
