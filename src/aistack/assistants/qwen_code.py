"""Qwen Code: ~/.qwen/settings.json (Gemini CLI's schema, JSON with comments). Qwen runs no helper and reads its key
once, so the relay stands for the gateway (`modelProviders.openai` with its baseUrl at the relay and a placeholder
key in the settings' own `env`) and for the org's token-protected MCP servers (`httpUrl` at the relay)."""

from __future__ import annotations

from typing import Any

from aistack.assistants import common, gemini_cli
from aistack.assistants.base import PLACEHOLDER_KEY, ConfigFile, Context, Delivery, ManagedFile, Plan, Verified
from aistack.assistants.common import SHARED, add_servers, gemini_telemetry, mcp_entry, on_path
from aistack.engine.document import Item
from aistack.paths import Env
from aistack.profile import McpServer, Profile

NAME = "qwen-code"
TITLE = "Qwen Code"
SERVERS = {"settings": ("mcpServers",)}
PROJECT = {"settings": ".qwen/settings.json"}  # repo-level files, relative to the project root
DELIVERY = Delivery("relay", "relay",
                    "modelProviders baseUrl at the relay, a placeholder key in settings env (Qwen runs no helper); "
                    "MCP httpUrl at the relay; SSE servers through the bridge")
GATEWAY = "file"
PROJECT_NOTE = None
COMMANDS = ("qwen",)  # its executables: detection, `aistack run` routing
VERSION_COMMAND = "qwen"  # prints its version cheaply (doctor)
VERIFIED = (Verified("client", "qwen", "0.24.4"),
            Verified("schema", "qwen-code-settings.schema.json", "2026-12-02"))
PROVIDER_ID = "aistack"
ROUTING = "gateway routing"  # soft edits: left out together when the user chose their own route
KEY_VAR = "AISTACK_RELAY_KEY"  # the placeholder key's variable: Qwen wants one; the relay drops it
MANAGED = (  # the same layer as Gemini CLI's (qwen 0.24.4 getSystemSettingsPath)
    ManagedFile("system-settings", "json", {"linux": "/etc/qwen-code/settings.json",
                                            "darwin": "/Library/Application Support/QwenCode/settings.json",
                                            "win32": "C:\\ProgramData\\qwen-code\\settings.json"},
                override="QWEN_CODE_SYSTEM_SETTINGS_PATH"),
)
MDM: dict[str, dict[str, Any]] = {}  # no MDM payload
admin_steps = common.no_admin_steps


def files(env: Env) -> dict[str, ConfigFile]:
    return {"settings": ConfigFile("settings", env.under_home(".qwen", "settings.json"), "jsonc")}


def detect(env: Env) -> bool:
    return env.exists(env.under_home(".qwen")) or on_path(env, *COMMANDS)


def _entry(server: McpServer, profile: Profile, ctx: Context) -> dict[str, Any] | None:
    entry = mcp_entry(server, profile, ctx, relay=True)
    if entry is None:
        return None
    if server.kind == "http" and "url" in entry:  # Qwen keeps Gemini's older split: `httpUrl` streamable HTTP
        entry["httpUrl"] = entry.pop("url")
    return entry


def plan(profile: Profile, ctx: Context) -> Plan:
    p = Plan()
    add_servers(p, profile, ctx, "settings", SERVERS["settings"], lambda s: _entry(s, profile, ctx))
    gw = profile.gateway
    if gw and ctx.relay is not None:
        provider = {"id": PROVIDER_ID, "name": f"{profile.org_name} AI gateway",
                    "baseUrl": ctx.relay_gateway("openai"), "envKey": KEY_VAR}
        p.add("settings", ("modelProviders", "openai", Item("id", PROVIDER_ID)), provider, soft=ROUTING)
        # Qwen fills a variable it does not have from the settings' `env` (qwen 0.24.4): no `.env` file, no secret.
        p.add("settings", ("env", KEY_VAR), PLACEHOLDER_KEY, soft=ROUTING)
        # Qwen ignores modelProviders until an auth type is selected (verified with qwen 0.24.4).
        p.add("settings", ("security", "auth", "selectedType"), "openai", soft=ROUTING,
              aliases=(("selectedAuthType",),))  # Gemini's older spelling, which Qwen Code kept reading
    gemini_telemetry(p, profile, ctx, "settings", TITLE)
    return p


run_env = common.no_run_env


def managed(profile: Profile) -> dict[str, Any]:
    """The system settings file, as Gemini CLI's (`mcp.allowed`, `mcp.excluded`, `includeTools`); qwen 0.24.4's
    mcp.excluded also matches `*` and `?` wildcards (case-sensitive: `matchesServerPattern`)."""
    doc = gemini_cli.system_settings(profile, lambda s: _entry(s, profile, SHARED), globs=True)
    return {"system-settings": doc} if doc else {}
managed_verdict = common.no_managed_verdict
