"""Kilo Code: the VS Code extension's mcp_settings.json (Roo's shape) in its global storage."""

from __future__ import annotations

from aistack.assistants import common, vscode_extension
from aistack.assistants.base import Delivery

NAME = "kilo-code"
TITLE = "Kilo Code"
SERVERS = {"mcp": ("mcpServers",)}
PROJECT = {"mcp": ".kilocode/mcp.json"}  # repo-level files, relative to the project root
DELIVERY = Delivery("manual", "bridge",
                    "MCP through `aistack mcp-bridge`; models: an OpenAI-compatible base URL at the relay with any "
                    "key, set by hand")
GATEWAY = "manual"
PROJECT_NOTE = None
COMMANDS = ()  # its executables: detection, `aistack run` routing
VERSION_COMMAND = None  # prints its version cheaply (doctor)
EXTENSION = "kilocode.kilo-code"


files, detect, plan = vscode_extension.adapter_functions(EXTENSION, "mcp_settings.json", TITLE, {
    "http": "streamable-http", "sse": "sse"})


run_env = common.no_run_env
