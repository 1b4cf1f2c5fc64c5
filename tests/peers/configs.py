"""Small helpers for writing assistant config files by hand in a test HOME."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from .mcp_server import stdio_command

STDIO = stdio_command()  # [python, sandbox/mcp_server.py, --stdio]: the org's MCP server over stdio
USERS_OWN = {"command": "user-own-server", "args": ["--flag"]}  # a server the user added, not the org


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def helper_script(home: Path, name: str, headers: dict[str, str]) -> Path:
    """A headers helper: prints a JSON object of headers, as `aistack token --headers-json` will."""
    path = home / "bin" / name
    write(path, f"#!/bin/sh\ncat <<'EOF'\n{json.dumps(headers)}\nEOF\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path
