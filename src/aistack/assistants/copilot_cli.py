"""GitHub Copilot CLI: ~/.copilot/mcp-config.json (`type` required, `tools`), with token-protected servers at the
relay (Copilot has no header helper for MCP). Its model traffic is routed by environment variables only, which
`aistack run copilot` sets: COPILOT_PROVIDER_API_KEY_COMMAND runs `aistack token` before every model request."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from aistack.assistants import common
from aistack.assistants.base import PLACEHOLDER_KEY, ConfigFile, Context, Delivery, ManagedFile, Plan, Verified
from aistack.assistants.common import add_servers, header_lines, helper_command, mcp_entry, on_path, run_hint
from aistack.headers import is_bearer
from aistack.paths import Env
from aistack.profile import McpServer, Profile

NAME = "copilot-cli"
TITLE = "GitHub Copilot CLI"
SERVERS = {"mcp": ("mcpServers",)}
PROJECT = {"mcp": ".github/mcp.json"}  # repo-level files, relative to the project root
DELIVERY = Delivery("helper", "relay",
                    "`aistack run copilot` sets COPILOT_PROVIDER_API_KEY_COMMAND (Copilot runs it before every model "
                    "request); MCP url at the relay; SSE servers through the bridge")
GATEWAY = "run"
PROJECT_NOTE = None
COMMANDS = ("copilot",)  # its executables: detection, `aistack run` routing
VERSION_COMMAND = "copilot"  # prints its version cheaply (doctor)
VERIFIED = (Verified("client", "copilot", "1.0.102"),)
TYPES = {"http": "http", "sse": "sse"}
# Copilot CLI 1.0.102 takes managed settings from GitHub (the enterprise's managed-settings, fetched) and from device
# MDM; its bundle names no machine-wide file, so there is no file layer to render or install.
MANAGED: tuple[ManagedFile, ...] = ()
MDM: dict[str, dict[str, Any]] = {}  # no MDM payload
admin_steps = common.no_admin_steps


def _dir(env: Env) -> PurePath:
    # Verified with copilot 1.0.102: COPILOT_HOME moves it; XDG_CONFIG_HOME does not.
    return env.from_var("COPILOT_HOME") or env.under_home(".copilot")


def files(env: Env) -> dict[str, ConfigFile]:
    return {"mcp": ConfigFile("mcp", _dir(env).joinpath("mcp-config.json"), "json")}


def detect(env: Env) -> bool:
    return env.exists(_dir(env)) or on_path(env, *COMMANDS)


def plan(profile: Profile, ctx: Context) -> Plan:
    p = Plan()

    def build(server: McpServer) -> dict[str, Any] | None:
        entry = mcp_entry(server, profile, ctx, relay=True, types=TYPES, stdio_type="local")
        return {**entry, "tools": ["*"]} if entry is not None else None

    add_servers(p, profile, ctx, "mcp", SERVERS["mcp"], build)
    p.manual.append(run_hint("copilot"))
    return p


def run_env(profile: Profile, ctx: Context) -> dict[str, str]:
    """What `aistack run copilot` adds: its bring-your-own-key provider pointed at the gateway, with a command that
    prints a fresh token for each request (verified with copilot 1.0.102: it runs before every model request)."""
    gw = profile.gateway
    if gw is None:
        return {}
    env = {"COPILOT_PROVIDER_TYPE": "openai"}
    if is_bearer(gw.token_header) or ctx.relay is None:
        env["COPILOT_PROVIDER_BASE_URL"] = gw.providers.get("openai") or gw.url
        env["COPILOT_PROVIDER_API_KEY_COMMAND"] = helper_command(ctx, "token")
        if gw.headers:
            env["COPILOT_PROVIDER_HEADERS"] = header_lines(gw.headers, "\n")
    else:  # the key goes out as Authorization only: the relay puts the token in the gateway's own header
        env["COPILOT_PROVIDER_BASE_URL"] = ctx.relay_gateway("openai")
        env["COPILOT_PROVIDER_API_KEY"] = PLACEHOLDER_KEY
    return env
managed = common.no_managed
managed_verdict = common.no_managed_verdict
