"""Gemini CLI: ~/.gemini/settings.json (JSON with comments). Gemini runs no helper and reads its key once, so the
relay stands for the gateway and the org's token-protected MCP servers: `httpUrl`s at the relay in the file, and
`aistack run gemini` pointing GOOGLE_GEMINI_BASE_URL at it (a placeholder key; the relay adds the token).

Its admin layer (`managed`): the system settings file, which overrides the user's: the org's servers in
`mcpServers` (with `includeTools` from `[policy.tools]`), `mcp.allowed` (only those, for an org-only policy) and
`mcp.excluded` (denied names; exact names only, no wildcard, no URL or command rule in Gemini CLI)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aistack.assistants import common
from aistack.assistants.base import PLACEHOLDER_KEY, ConfigFile, Context, Delivery, ManagedFile, Plan, Verified
from aistack.assistants.common import SHARED, add_servers, gemini_telemetry, mcp_entry, on_path, org_servers, run_hint
from aistack.paths import Env
from aistack.profile import McpServer, Profile

NAME = "gemini-cli"
TITLE = "Gemini CLI"
SERVERS = {"settings": ("mcpServers",)}
PROJECT = {"settings": ".gemini/settings.json"}  # repo-level files, relative to the project root
DELIVERY = Delivery("relay", "relay",
                    "`aistack run gemini` points GOOGLE_GEMINI_BASE_URL at the relay (Gemini runs no helper); MCP "
                    "httpUrl at the relay; SSE servers through the bridge")
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
MANAGED = (  # geminicli.com/docs/cli/enterprise: system settings override the user's
    ManagedFile("system-settings", "json", {"linux": "/etc/gemini-cli/settings.json",
                                            "darwin": "/Library/Application Support/GeminiCli/settings.json",
                                            "win32": "C:\\ProgramData\\gemini-cli\\settings.json"},
                override="GEMINI_CLI_SYSTEM_SETTINGS_PATH", root_only=True),  # gemini 0.61.0 skips it otherwise
)
MDM: dict[str, dict[str, Any]] = {}  # no MDM payload
admin_steps = common.no_admin_steps


def files(env: Env) -> dict[str, ConfigFile]:
    return {"settings": ConfigFile("settings", env.under_home(".gemini", "settings.json"), "jsonc")}


def detect(env: Env) -> bool:
    return env.exists(env.under_home(".gemini")) or on_path(env, *COMMANDS)


def plan(profile: Profile, ctx: Context) -> Plan:
    p = Plan()
    add_servers(p, profile, ctx, "settings", SERVERS["settings"],
                lambda s: mcp_entry(s, profile, ctx, relay=True, types=TYPES))
    if profile.gateway:
        # `aistack run gemini` supplies GOOGLE_GEMINI_BASE_URL and a key; Gemini uses them only with API-key auth
        # selected (verified with gemini 0.61.0: exit 41 otherwise).
        p.add("settings", AUTH, "gemini-api-key", soft=ROUTING, aliases=(AUTH_BEFORE,))
        p.manual.append(run_hint("gemini"))
    gemini_telemetry(p, profile, ctx, "settings", TITLE)
    return p


def run_env(profile: Profile, ctx: Context) -> dict[str, str]:
    """What `aistack run gemini` adds: the relay as its Gemini API base (it adds the token, the gateway's token
    header and static headers), and a placeholder key, which the relay drops."""
    if profile.gateway is None or ctx.relay is None:
        return {}
    return {"GOOGLE_GEMINI_BASE_URL": ctx.relay_gateway("google"), "GEMINI_API_KEY": PLACEHOLDER_KEY}


def system_settings(profile: Profile, entry: Callable[[McpServer], Any], globs: bool = False) -> dict[str, Any]:
    """The system settings document for the profile's policy, each org server built by `entry(server)` (Qwen
    Code, Gemini CLI's fork, borrows it with its own entries; `globs`: its mcp.excluded takes `*` and `?`)."""
    policy = profile.policy
    if policy is None:
        return {}
    servers: dict[str, Any] = {}
    for server in org_servers(profile):
        built = entry(server)
        if built is None:
            continue
        if server.name in policy.tools:
            built["includeTools"] = list(policy.tools[server.name])
        servers[server.name] = built
    mcp: dict[str, Any] = {}
    if policy.org_only:
        mcp["allowed"] = list(servers)
    excluded = [n for n in policy.deny_names if globs or not any(c in n for c in "*?")]
    if excluded:
        mcp["excluded"] = excluded
    doc: dict[str, Any] = {"mcpServers": servers} if servers else {}
    if mcp:
        doc["mcp"] = mcp
    return doc


def managed(profile: Profile) -> dict[str, Any]:
    doc = system_settings(profile, lambda s: mcp_entry(s, profile, SHARED, types=TYPES))
    return {"system-settings": doc} if doc else {}
# How Gemini CLI judges a server (read in gemini 0.61.0's bundle: `isBlockedBySettings`, `mcp.allowed` and
# `mcp.excluded` taken only when they are lists): a non-empty allowlist must hold the name exactly; the exclusion
# list must not. A same-name server in the system settings replaces the user's entry (system settings win).
SYSTEM_FILE = "system settings"


def managed_verdict(docs: dict[str, Any], name: str, entry: Any) -> str | None:
    system = docs.get("system-settings")
    if not isinstance(system, dict):
        return None
    found = system.get("mcp")
    mcp: dict[str, Any] = found if isinstance(found, dict) else {}
    allowed, excluded = mcp.get("allowed"), mcp.get("excluded")
    if isinstance(allowed, list) and allowed and name not in allowed:
        return f"{SYSTEM_FILE} mcp.allowed does not list '{name}'"
    if isinstance(excluded, list) and name in excluded:
        return f"{SYSTEM_FILE} mcp.excluded lists '{name}'"
    servers = system.get("mcpServers")
    if isinstance(servers, dict) and name in servers:
        return f"{SYSTEM_FILE} define their own mcpServers.{name}, which replaces the user's"
    return None
