"""The listing parsers on output captured from the real CLIs (versions in tests/peers/__init__.py).

These run without the CLIs, so a parser regression shows even where the peers are not installed;
the peer tests feed the same parsers live output.
"""

from __future__ import annotations

import json

import peers

CLAUDE = """Checking MCP server health…

s-stdio: /venv/bin/python /srv/mcp_server.py - ✔ Connected
s-http: http://127.0.0.1:43083/mcp (HTTP) - ✔ Connected
s-sse: http://127.0.0.1:43083/sse (SSE) - ✔ Connected
s-noauth: http://127.0.0.1:37839/mcp (HTTP) - ✘ Failed to connect — Dynamic Client Registration rejected (HTTP 401)
mine: true  - ✘ Failed to connect — CONNECTION_CLOSED: Connection closed
proj: http://127.0.0.1:43083/mcp (HTTP) - ⏸ Pending approval (run `claude` to approve)
"""

CLAUDE_GET = """s-stdio:
  Scope: User config (available in all your projects)
  Status: ✔ Connected
  Type: stdio
  Command: /venv/bin/python
  Args: /srv/mcp_server.py --x
  Environment:
    A=1

To remove this server, run: claude mcp remove s-stdio -s user
"""

GEMINI = """Configured MCP servers:

✓ s-stdio: /venv/bin/python /srv/mcp_server.py (stdio) - Connected
✗ s-sse: http://127.0.0.1:43083/sse (http) - Disconnected
✓ s-ssetyped: http://127.0.0.1:43083/sse (sse) - Connected
○ off: http://127.0.0.1:1/mcp (http) - Disabled
"""

OPENCODE = """┌  MCP Servers
│
●  ✓ s-stdio connected
│      /venv/bin/python /srv/mcp_server.py
│
●  ○ off disabled
│      true
│
●  ✗ bad failed
│      SSE error: Unable to connect. Is the computer able to access the url?
│      http://127.0.0.1:1/mcp
│
└  3 server(s)
"""


def test_parse_claude_list():
    got = peers.parse_claude_list(CLAUDE)
    assert got["s-stdio"] == {"transport": "stdio", "command": "/venv/bin/python", "args": ["/srv/mcp_server.py"],
                              "status": "connected", "status_text": "✔ Connected"}
    assert (got["s-http"]["transport"], got["s-http"]["url"]) == ("http", "http://127.0.0.1:43083/mcp")
    assert got["s-sse"]["transport"] == "sse"
    assert got["s-noauth"]["status"] == "failed" and "401" in got["s-noauth"]["status_text"]
    assert (got["mine"]["command"], got["mine"]["args"], got["mine"]["status"]) == ("true", [], "failed")
    assert got["proj"]["status"] == "needs-approval"


def test_parse_claude_get():
    got = peers.parse_claude_get(CLAUDE_GET)
    assert (got["transport"], got["command"], got["args"]) == ("stdio", "/venv/bin/python", ["/srv/mcp_server.py", "--x"])
    assert (got["environment"], got["status"]) == ({"A": "1"}, "connected")


def test_parse_gemini_list():
    got = peers.parse_gemini_list(GEMINI)
    assert set(got) == {"s-stdio", "s-sse", "s-ssetyped", "off"}
    assert (got["s-sse"]["transport"], got["s-sse"]["status"]) == ("http", "failed")
    assert (got["s-ssetyped"]["transport"], got["s-ssetyped"]["status"]) == ("sse", "connected")
    assert got["off"]["status"] == "disabled"


def test_parse_opencode_list():
    got = peers.parse_opencode_list(OPENCODE)
    assert got["s-stdio"]["command"] == "/venv/bin/python" and got["s-stdio"]["status"] == "connected"
    assert got["off"]["status"] == "disabled"
    assert got["bad"]["url"] == "http://127.0.0.1:1/mcp" and got["bad"]["error"].startswith("SSE error")


def test_parse_codex_and_copilot_json():
    codex = peers.parse_codex_list(json.dumps([
        {"name": "a", "enabled": False, "transport": {"type": "streamable_http", "url": "http://h/mcp",
                                                      "bearer_token_env_var": "T"}},
        {"name": "b", "enabled": True, "transport": {"type": "stdio", "command": "c", "args": ["x"], "env": None}},
    ]))
    assert (codex["a"]["transport"], codex["a"]["status"], codex["a"]["bearer_token_env_var"]) == ("http", "disabled", "T")
    assert (codex["b"]["command"], codex["b"]["args"], codex["b"]["env"]) == ("c", ["x"], {})
    copilot = peers.parse_copilot_list(json.dumps({"mcpServers": {
        "u": {"url": "http://h/mcp", "source": "user", "enabled": True, "tools": ["*"]},
        "s": {"type": "local", "command": "c", "args": [], "enabled": False}}}))
    assert (copilot["u"]["transport"], copilot["u"]["url"]) == ("http", "http://h/mcp")
    assert (copilot["s"]["transport"], copilot["s"]["status"]) == ("stdio", "disabled")


def test_strip_ansi():
    assert peers.strip_ansi("\x1b[32m✓\x1b[0m ok \x1b[90mconnected") == "✓ ok connected"
