"""Roo Code (and its successor Zoo Code, which reads the same file): mcp_settings.json in global storage."""

from __future__ import annotations

from aistack.assistants import common, vscode_extension
from aistack.assistants.base import Delivery

NAME = "roo-code"
TITLE = "Roo Code"
SERVERS = {"mcp": ("mcpServers",)}
PROJECT = {"mcp": ".roo/mcp.json"}  # repo-level files, relative to the project root
DELIVERY = Delivery("manual", "bridge",
                    "MCP through `aistack mcp-bridge`; models: an OpenAI-compatible base URL at the relay with any "
                    "key, set by hand")
GATEWAY = "manual"
PROJECT_NOTE = None
COMMANDS = ()  # its executables: detection, `aistack run` routing
VERSION_COMMAND = None  # prints its version cheaply (doctor)
EXTENSION = "rooveterinaryinc.roo-cline"


files, detect, plan = vscode_extension.adapter_functions(EXTENSION, "mcp_settings.json", TITLE, {
    "http": "streamable-http", "sse": "sse"})


run_env = common.no_run_env
