"""Roo Code (and its successor Zoo Code, which reads the same file): mcp_settings.json in global storage."""

from __future__ import annotations

from aistack.assistants import vscode_extension

NAME = "roo-code"
TITLE = "Roo Code"
SERVERS = {"mcp": ("mcpServers",)}
PROJECT = {"mcp": ".roo/mcp.json"}  # repo-level files, relative to the project root
DELIVERY = "bridge"
GATEWAY = "manual"
EXTENSION = "rooveterinaryinc.roo-cline"


files, detect, plan = vscode_extension.adapter_functions(EXTENSION, "mcp_settings.json", TITLE, {
    "http": "streamable-http", "sse": "sse"})
