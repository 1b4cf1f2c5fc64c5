"""VS Code / GitHub Copilot Chat: the user `mcp.json` (JSONC) with `servers`; token-protected servers at the user's
relay, which adds a fresh token (VS Code started from the desktop sees no shell environment)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from aistack.assistants import common
from aistack.assistants.base import ConfigFile, Context, Delivery, ManagedFile, Plan, Verified
from aistack.assistants.common import RELAY_KEY_NOTE, add_servers, mcp_entry, on_path, relay_or_gateway
from aistack.paths import Env
from aistack.profile import Profile

NAME = "vscode"
TITLE = "VS Code (GitHub Copilot)"
SERVERS = {"mcp": ("servers",)}
PROJECT = {"mcp": ".vscode/mcp.json"}  # repo-level files, relative to the project root
DELIVERY = Delivery("manual", "relay",
                    "MCP url at the relay; SSE servers through the bridge; models: a bring-your-own-key endpoint at "
                    "the relay, set in VS Code")
GATEWAY = "manual"
PROJECT_NOTE = None
COMMANDS = ("code",)  # its executables: detection, `aistack run` routing
VERSION_COMMAND = None  # prints its version cheaply (doctor)
VERIFIED = (Verified("schema", "vscode-mcp.schema.json", "2026-12-02"),)
TYPES = {"http": "http", "sse": "sse"}
MANAGED: tuple[ManagedFile, ...] = ()  # no admin-owned file layer
MDM: dict[str, dict[str, Any]] = {}  # no MDM payload
admin_steps = common.no_admin_steps


def user_dir(env: Env, product: str = "Code") -> PurePath:
    return env.app_support().joinpath(product, "User")


def files(env: Env) -> dict[str, ConfigFile]:
    return {"mcp": ConfigFile("mcp", user_dir(env).joinpath("mcp.json"), "jsonc")}


def detect(env: Env) -> bool:
    return env.exists(user_dir(env)) or on_path(env, *COMMANDS)


def plan(profile: Profile, ctx: Context) -> Plan:
    p = Plan()
    add_servers(p, profile, ctx, "mcp", SERVERS["mcp"], lambda s: mcp_entry(
        s, profile, ctx, relay=True, types=TYPES, stdio_type="stdio", gui=True))
    if profile.gateway:
        p.manual.append(
            "VS Code keeps bring-your-own-model keys in its secret storage, which no file can fill: in the Chat view, "
            f"Manage Models > Add Models > OpenAI Compatible, endpoint {relay_or_gateway(profile, ctx, 'openai')}"
            f"{RELAY_KEY_NOTE if ctx.relay else ', with a key your platform team issues for VS Code'}.")
    return p


run_env = common.no_run_env
managed = common.no_managed
managed_verdict = common.no_managed_verdict
