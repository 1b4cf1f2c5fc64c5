"""Cursor: ~/.cursor/mcp.json; token-protected servers at the user's relay, which adds a fresh token (Cursor started
from the desktop sees no shell environment, and runs no header helper). Its model endpoint is set only in the UI."""

from __future__ import annotations

from typing import Any

from aistack.assistants import common
from aistack.assistants.base import ConfigFile, Context, Delivery, ManagedFile, Plan, Verified
from aistack.assistants.common import add_servers, gateway_base, mcp_entry, on_path
from aistack.paths import Env
from aistack.profile import Profile

NAME = "cursor"
TITLE = "Cursor"
SERVERS = {"mcp": ("mcpServers",)}
PROJECT = {"mcp": ".cursor/mcp.json"}  # repo-level files, relative to the project root
DELIVERY = Delivery("manual", "relay",
                    "MCP url at the relay; SSE servers through the bridge; models: Cursor calls the gateway from its "
                    "own servers, with a key set in Cursor")
GATEWAY = "manual"
PROJECT_NOTE = None
COMMANDS = ("cursor", "cursor-agent")  # its executables: detection, `aistack run` routing
VERSION_COMMAND = None  # prints its version cheaply (doctor)
VERIFIED = (Verified("docs", "docs.cursor.com/context/mcp", "2026-11"),)
MANAGED: tuple[ManagedFile, ...] = ()  # no admin-owned file layer
MDM: dict[str, dict[str, Any]] = {}  # no MDM payload


def files(env: Env) -> dict[str, ConfigFile]:
    return {"mcp": ConfigFile("mcp", env.under_home(".cursor", "mcp.json"), "json")}


def detect(env: Env) -> bool:
    return env.exists(env.under_home(".cursor")) or on_path(env, *COMMANDS)


def plan(profile: Profile, ctx: Context) -> Plan:
    p = Plan()
    add_servers(p, profile, ctx, "mcp", SERVERS["mcp"], lambda s: mcp_entry(
        s, profile, ctx, relay=True, gui=True, types=None if s.kind == "http" else {"sse": "sse"}))
    if profile.gateway:
        p.manual.append(
            f"Cursor: Settings > Models > enable \"Override OpenAI Base URL\" and enter "
            f"{gateway_base(profile, 'openai')}; Cursor calls it from its own servers, so the gateway must be "
            f"reachable from the internet, and it cannot run `aistack token`: paste a key your platform team issues "
            f"for Cursor, not your login token (it expires within the hour).")
    return p


run_env = common.no_run_env
managed = common.no_managed


def admin_steps(profile: Profile) -> list[str]:
    """Cursor's team MCP controls live in its admin dashboard only: the exact entries for the org's servers."""
    policy = profile.policy
    if policy is None:
        return []
    steps = ["Open cursor.com/dashboard > Settings > MCP (a team admin)."]
    if policy.org_only:
        steps.append("Restrict MCP servers to the allowlist.")
    for server in common.org_servers(profile):
        what = f"`{server.url}`" if server.url else f"`{' '.join([server.command or '', *server.args]).strip()}`"
        steps.append(f"Allow `{server.name}`: {what}.")
    for name in policy.deny_names:
        steps.append(f"Block servers named `{name}`.")
    for url in policy.deny_urls:
        steps.append(f"Block server URLs matching `{url}`.")
    steps.append("Save; members get it when Cursor next syncs its team settings.")
    return steps
managed_verdict = common.no_managed_verdict
