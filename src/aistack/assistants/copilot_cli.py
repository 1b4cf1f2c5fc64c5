"""GitHub Copilot CLI: ~/.copilot/mcp-config.json (`type` required, `tools`). Its model traffic is routed by
environment variables only, which `aistack run copilot` sets."""

from __future__ import annotations

from aistack.assistants.base import ConfigFile, Context, Plan, Verified
from aistack.assistants.common import add_servers, header_lines, mcp_entry, on_path, run_hint
from aistack.headers import is_bearer
from aistack.paths import Env
from aistack.profile import Profile

NAME = "copilot-cli"
TITLE = "GitHub Copilot CLI"
SERVERS = {"mcp": ("mcpServers",)}
PROJECT = {"mcp": ".github/mcp.json"}  # repo-level files, relative to the project root
DELIVERY = "env"
GATEWAY = "run"
PROJECT_NOTE = None
COMMANDS = ("copilot",)  # its executables: detection, `aistack run` routing
VERSION_COMMAND = "copilot"  # prints its version cheaply (doctor)
VERIFIED = (Verified("client", "copilot", "1.0.102"),)
TYPES = {"http": "http", "sse": "sse"}


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
        entry = mcp_entry(server, profile, ctx, ref="${AISTACK_TOKEN}", types=TYPES, stdio_type="local")
        return {**entry, "tools": ["*"]}

    add_servers(p, profile, ctx, "mcp", SERVERS["mcp"], build)
    p.manual.append(run_hint("copilot"))
    return p


def run_env(profile: Profile, token: str) -> dict[str, str]:
    """What `aistack run copilot` adds: its bring-your-own-key provider pointed at the gateway."""
    gw = profile.gateway
    if gw is None:
        return {}
    env = {"COPILOT_PROVIDER_BASE_URL": gw.providers.get("openai") or gw.url, "COPILOT_PROVIDER_TYPE": "openai"}
    headers = dict(gw.headers)
    if is_bearer(gw.token_header):
        env["COPILOT_PROVIDER_BEARER_TOKEN"] = token
    else:
        headers[gw.token_header] = token
    if headers:
        env["COPILOT_PROVIDER_HEADERS"] = header_lines(headers, "\n")
    return env
