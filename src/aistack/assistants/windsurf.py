"""Windsurf (Cascade): ~/.codeium/windsurf/mcp_config.json; remote servers use `serverUrl`, token-protected ones the
user's relay, which adds a fresh token. Windsurf cannot route model traffic through a custom gateway."""

from __future__ import annotations

import re
from typing import Any

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
MDM: dict[str, dict[str, Any]] = {}  # no MDM payload


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
managed = common.no_managed


def _anchored(text: str) -> str:
    return "^" + re.escape(text) + "$"


def admin_steps(profile: Profile, product: str = "Windsurf",
                where: str = "windsurf.com > Team settings > Cascade > MCP servers") -> list[str]:
    """Windsurf's MCP allowlist lives in its team admin dashboard only (no file, no MDM key): the exact entries
    for the org's servers. Its matchers are regular expressions, anchored here, on the command and the args."""
    policy = profile.policy
    if policy is None:
        return []
    steps = [f"Open {where} (a team admin).",
             "Turn on the MCP server whitelist, so only listed servers run." if policy.org_only else
             "Windsurf's whitelist has no deny entries: leave it off to allow the org's servers and the users' own, "
             "or turn it on to allow only those listed below."]
    for server in common.org_servers(profile):
        if server.kind == "stdio":
            steps.append(f"Add server ID `{server.name}`: command regex `{_anchored(server.command or '')}`, "
                         f"arguments regex `{_anchored(' '.join(server.args))}`.")
        else:
            steps.append(f"Add server ID `{server.name}`: server URL regex `{_anchored(server.url or '')}`.")
    steps.append(f"Save; {product} applies it to each member at their next sign-in.")
    return steps
managed_verdict = common.no_managed_verdict
