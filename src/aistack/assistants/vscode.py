"""VS Code / GitHub Copilot Chat: the user `mcp.json` (JSONC) with `servers`; `${env:AISTACK_TOKEN}` headers."""

from __future__ import annotations

from aistack.assistants import common
from aistack.assistants.base import ConfigFile, Context, Plan, Verified
from aistack.assistants.common import add_servers, gateway_base, mcp_entry, on_path
from aistack.paths import Env
from aistack.profile import Profile

NAME = "vscode"
TITLE = "VS Code (GitHub Copilot)"
SERVERS = {"mcp": ("servers",)}
PROJECT = {"mcp": ".vscode/mcp.json"}  # repo-level files, relative to the project root
DELIVERY = "env"
GATEWAY = "manual"
PROJECT_NOTE = None
COMMANDS = ("code",)  # its executables: detection, `aistack run` routing
VERSION_COMMAND = None  # prints its version cheaply (doctor)
VERIFIED = (Verified("schema", "vscode-mcp.schema.json", "2026-12-02"),)
TYPES = {"http": "http", "sse": "sse"}


def user_dir(env: Env, product: str = "Code"):
    return env.app_support().joinpath(product, "User")


def files(env: Env) -> dict[str, ConfigFile]:
    return {"mcp": ConfigFile("mcp", user_dir(env).joinpath("mcp.json"), "jsonc")}


def detect(env: Env) -> bool:
    return env.exists(user_dir(env)) or on_path(env, *COMMANDS)


def plan(profile: Profile, ctx: Context) -> Plan:
    p = Plan()
    add_servers(p, profile, ctx, "mcp", SERVERS["mcp"], lambda s: mcp_entry(
        s, profile, ctx, ref="${env:AISTACK_TOKEN}", types=TYPES, stdio_type="stdio", gui=True))
    if profile.gateway:
        p.manual.append(
            "VS Code keeps bring-your-own-model keys in its secret storage, which no file can fill: in the Chat view, "
            f"Manage Models > Add Models > OpenAI Compatible, endpoint {gateway_base(profile, 'openai')}, with a key "
            "your platform team issues for VS Code (your login token expires within the hour).")
    return p


run_env = common.no_run_env
