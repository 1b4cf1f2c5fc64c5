"""Zoo Code, the successor of Roo Code (which shut down on 2026-05-15): the VS Code extension
ZooCodeOrganization.zoo-code keeps mcp_settings.json (Roo's shape: `streamable-http` / `sse` types, no
interpolation, so servers needing the token go through `aistack mcp-bridge`) in its own global storage. In a project
it reads .zoo/mcp.json, and .roo/mcp.json only while there is no .zoo/mcp.json.

`aistack setup roo-code` sets up Zoo Code and says so; the entries aistack wrote into Roo Code's storage are taken
out (the servers you added there stay, for Zoo Code's "Roo Import")."""

from __future__ import annotations

from typing import Any

from aistack.assistants import common, vscode_extension
from aistack.assistants.base import ConfigFile, Context, Delivery, ManagedFile, Plan, Verified
from aistack.paths import Env
from aistack.profile import Profile

NAME = "zoo-code"
TITLE = "Zoo Code"
FORMERLY = "roo-code"  # the `setup` name of the product it replaces
SERVERS = {"mcp": ("mcpServers",), "legacy": ("mcpServers",)}
# repo-level files: .zoo/mcp.json, unless a project has only Roo Code's .roo/mcp.json (which Zoo Code then reads)
PROJECT = {"mcp": (".zoo/mcp.json", ".roo/mcp.json")}
DELIVERY = Delivery("manual", "bridge",
                    "MCP through `aistack mcp-bridge`; models: an OpenAI-compatible base URL at the relay with any "
                    "key, set by hand")
GATEWAY = "manual"
PROJECT_NOTE = ("Zoo Code reads .zoo/mcp.json, and .roo/mcp.json only while .zoo/mcp.json does not exist: keep "
                "the project's servers in one of them.")
COMMANDS = ()  # its executables: detection, `aistack run` routing
VERSION_COMMAND = None  # prints its version cheaply (doctor)
VERIFIED = (Verified("docs", "Zoo-Code-Org/Zoo-Code src/package.json and McpHub (extension id, .zoo/ paths)",
                     "2026-12-02"),)
EXTENSION = "zoocodeorganization.zoo-code"
ROO_EXTENSION = "rooveterinaryinc.roo-cline"
TYPES = {"http": "streamable-http", "sse": "sse"}
MOVED = ("Roo Code shut down on 2026-05-15: aistack took its servers out of Roo Code's settings and wrote them for "
         "Zoo Code, its successor; the servers you added here stay.")
MANAGED: tuple[ManagedFile, ...] = ()  # no admin-owned file layer
MDM: dict[str, dict[str, Any]] = {}  # no MDM payload
admin_steps = common.no_admin_steps


def files(env: Env) -> dict[str, ConfigFile]:
    return {"mcp": ConfigFile("mcp", vscode_extension.storage(env, EXTENSION, "mcp_settings.json"), "json"),
            "legacy": ConfigFile("legacy", vscode_extension.storage(env, ROO_EXTENSION, "mcp_settings.json"), "json",
                                 former=MOVED, owner=FORMERLY)}


def detect(env: Env) -> bool:
    return env.exists(vscode_extension.storage(env, EXTENSION, "mcp_settings.json").parent.parent)


def plan(profile: Profile, ctx: Context) -> Plan:
    p = Plan()
    vscode_extension.add_bridged_servers(p, profile, ctx, "mcp", TYPES)
    if profile.gateway:
        p.manual.append(vscode_extension.gateway_step(profile, ctx, TITLE))
    return p


run_env = common.no_run_env
managed = common.no_managed
managed_verdict = common.no_managed_verdict
