"""GitHub Copilot CLI: ~/.copilot/mcp-config.json (`type` required, `tools`), with token-protected servers at the
relay (Copilot has no header helper for MCP). Its model traffic is routed by environment variables only, which
`aistack run copilot` sets: COPILOT_PROVIDER_API_KEY_COMMAND runs `aistack token` before every model request."""

from __future__ import annotations

from aistack.assistants import common
from aistack.assistants.base import ConfigFile, Context, Delivery, ManagedFile, PLACEHOLDER_KEY, Plan, Verified
from aistack.assistants.common import add_servers, header_lines, helper_command, mcp_entry, on_path, run_hint
from aistack.headers import is_bearer
from aistack.paths import Env
from aistack.profile import Profile

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
MANAGED: tuple[ManagedFile, ...] = ()  # no admin-owned file layer


def _dir(env: Env):
    # Verified with copilot 1.0.102: COPILOT_HOME moves it; XDG_CONFIG_HOME does not.
    return env.from_var("COPILOT_HOME") or env.under_home(".copilot")


def files(env: Env) -> dict[str, ConfigFile]:
    return {"mcp": ConfigFile("mcp", _dir(env).joinpath("mcp-config.json"), "json")}


def detect(env: Env) -> bool:
    return env.exists(_dir(env)) or on_path(env, *COMMANDS)


def plan(profile: Profile, ctx: Context) -> Plan:
    p = Plan()

    def build(server):
        entry = mcp_entry(server, profile, ctx, relay=True, types=TYPES, stdio_type="local")
        return {**entry, "tools": ["*"]}

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
managed_verdict = common.no_managed_verdict
