"""Cline: the VS Code extension's cline_mcp_settings.json in its global storage, and the Cline CLI's own copy in
~/.cline/data/settings/ (the CLI never reads the extension's: verified with cline 3.0.65). Same strict-JSON shape in
both, `streamableHttp` / `sse` types, `timeout` in seconds; one invalid entry makes Cline reject the whole file.
Neither interpolates the environment, so servers needing the token go through `aistack mcp-bridge`."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from aistack.assistants import common, vscode_extension
from aistack.assistants.base import ConfigFile, Context, Delivery, ManagedFile, Plan, Verified
from aistack.assistants.common import on_path
from aistack.paths import Env
from aistack.profile import Profile

NAME = "cline"
TITLE = "Cline"
SERVERS = {"mcp": ("mcpServers",), "cli": ("mcpServers",)}
DELIVERY = Delivery("manual", "bridge",
                    "MCP through `aistack mcp-bridge`; models: an OpenAI-compatible base URL at the relay with any "
                    "key, set by hand")
GATEWAY = "manual"
PROJECT: dict[str, str | tuple[str, ...]] = {}  # no repo-level file
PROJECT_NOTE = None
COMMANDS = ("cline",)  # its executables: detection, `aistack run` routing
VERSION_COMMAND = "cline"  # prints its version cheaply (doctor)
VERIFIED = (Verified("client", "cline", "3.0.65"),)
EXTENSION = "saoudrizwan.claude-dev"
FILE = "cline_mcp_settings.json"
TYPES = {"http": "streamableHttp", "sse": "sse"}
# Seconds a server gets to start: the CLI's default, 3, is too short for `aistack mcp-bridge` (verified with 3.0.65).
TIMEOUT = 60
MANAGED: tuple[ManagedFile, ...] = ()  # no admin-owned file layer
MDM: dict[str, dict[str, Any]] = {}  # no MDM payload
admin_steps = common.no_admin_steps


def _cli_file(env: Env) -> PurePath:
    """What the CLI reads: CLINE_MCP_SETTINGS_PATH, else CLINE_DATA_DIR/settings/, else CLINE_DIR/data/settings/."""
    return (env.from_var("CLINE_MCP_SETTINGS_PATH") or env.from_var("CLINE_DATA_DIR", "settings", FILE)
            or env.from_var("CLINE_DIR", "data", "settings", FILE)
            or env.under_home(".cline", "data", "settings", FILE))


def files(env: Env) -> dict[str, ConfigFile]:
    return {"mcp": ConfigFile("mcp", vscode_extension.storage(env, EXTENSION, FILE), "json"),
            "cli": ConfigFile("cli", _cli_file(env), "json")}


def _extension_here(env: Env) -> bool:
    return env.exists(vscode_extension.storage(env, EXTENSION, FILE).parent.parent)


def _cli_here(env: Env) -> bool:
    overridden = any(env.var(v) for v in ("CLINE_MCP_SETTINGS_PATH", "CLINE_DATA_DIR", "CLINE_DIR"))
    return overridden or env.exists(env.under_home(".cline")) or on_path(env, *COMMANDS)


def detect(env: Env) -> bool:
    return _extension_here(env) or _cli_here(env)


def plan(profile: Profile, ctx: Context) -> Plan:
    p = Plan()
    # The files of the products that are here (both when neither is yet): the other file keeps only what its owner
    # put there, and aistack takes its own entries out of it.
    extension, cli = _extension_here(ctx.env), _cli_here(ctx.env)
    for key, here in (("mcp", extension or not cli), ("cli", cli or not extension)):
        if here:
            vscode_extension.add_bridged_servers(p, profile, ctx, key, TYPES, {"timeout": TIMEOUT})
    if profile.gateway:
        p.manual.append(vscode_extension.gateway_step(profile, ctx, TITLE))
    return p


run_env = common.no_run_env
managed = common.no_managed
managed_verdict = common.no_managed_verdict
