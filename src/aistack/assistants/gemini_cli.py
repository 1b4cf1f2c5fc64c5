"""Gemini CLI: ~/.gemini/settings.json (JSON with comments). Headers reference `$AISTACK_TOKEN`, which Gemini
expands from its environment (`aistack run gemini`)."""

from __future__ import annotations

from aistack.assistants.base import ConfigFile, Context, Plan, Verified
from aistack.assistants.common import add_servers, header_lines, mcp_entry, on_path, run_hint
from aistack.headers import is_bearer
from aistack.paths import Env
from aistack.profile import Profile

NAME = "gemini-cli"
TITLE = "Gemini CLI"
SERVERS = {"settings": ("mcpServers",)}
PROJECT = {"settings": ".gemini/settings.json"}  # repo-level files, relative to the project root
DELIVERY = "env"
GATEWAY = "run"
PROJECT_NOTE = None
COMMANDS = ("gemini",)  # its executables: detection, `aistack run` routing
VERSION_COMMAND = "gemini"  # prints its version cheaply (doctor)
VERIFIED = (Verified("client", "gemini", "0.61.0"),
            Verified("schema", "gemini-settings.schema.json", "2026-12-02"))
TYPES = {"http": "http", "sse": "sse"}
ROUTING = "gateway routing"  # soft edits: left out together when the user chose their own route
AUTH = ("security", "auth", "selectedType")
AUTH_BEFORE = ("selectedAuthType",)  # the same setting in settings.json before Gemini CLI 0.3


def files(env: Env) -> dict[str, ConfigFile]:
    return {"settings": ConfigFile("settings", env.under_home(".gemini", "settings.json"), "jsonc")}


def detect(env: Env) -> bool:
    return env.exists(env.under_home(".gemini")) or on_path(env, *COMMANDS)


def plan(profile: Profile, ctx: Context) -> Plan:
    p = Plan()
    add_servers(p, profile, ctx, "settings", SERVERS["settings"],
                lambda s: mcp_entry(s, profile, ctx, ref="$AISTACK_TOKEN", types=TYPES))
    if profile.gateway:
        # `aistack run gemini` supplies GOOGLE_GEMINI_BASE_URL and the token as GEMINI_API_KEY; Gemini uses them
        # only with API-key auth selected (verified with gemini 0.61.0: exit 41 otherwise).
        p.add("settings", AUTH, "gemini-api-key", soft=ROUTING, aliases=(AUTH_BEFORE,))
        p.manual.append(run_hint("gemini"))
    return p


def run_env(profile: Profile, token: str) -> dict[str, str]:
    """What `aistack run gemini` adds: the gateway as its Gemini API base, the token as a bearer key."""
    gw = profile.gateway
    if gw is None:
        return {}
    env = {"GOOGLE_GEMINI_BASE_URL": gw.providers.get("google") or gw.url, "GEMINI_API_KEY": token}
    headers = dict(gw.headers)
    if is_bearer(gw.token_header):
        env["GEMINI_API_KEY_AUTH_MECHANISM"] = "bearer"
    else:
        headers[gw.token_header] = token
    if headers:
        env["GEMINI_CLI_CUSTOM_HEADERS"] = header_lines(headers, ", ")
    return env
