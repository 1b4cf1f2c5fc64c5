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


# kilo 7.7.7 `mcp list` (OpenCode's layout; the grey target prefix is stripped with the other ANSI codes)
KILO = """┌  MCP Servers
│
●  ✗ mine failed
│      Executable not found in $PATH: "my-own-server"
│      my-own-server
│
●  ✓ docs connected
│      http://127.0.0.1:18816/mcp
│
●  ✓ local connected
│      /venv/bin/python /srv/mcp_server.py
│
└  3 server(s)
"""

AMP_LIST = json.dumps([
    {"name": "mine", "type": "command", "source": "global", "spec": {"command": "my-own-server", "args": ["--flag"]}},
    {"name": "docs", "type": "url", "source": "global",
     "spec": {"url": "http://127.0.0.1:18816/mcp", "headers": {"Authorization": "Bearer ${AISTACK_TOKEN}"}}},
    {"name": "ws", "type": "url", "source": "workspace", "spec": {"url": "http://127.0.0.1:18816/sse"}},
])

AMP_DOCTOR = """User settings: /home/u/.config/amp/settings.json
Workspace settings: /home/u/project/.amp/settings.json

mine (user settings): reconnecting (attempt 2, retry in 1500ms)...
docs (user settings): connected (1 tools: echo)
ws (workspace: untrusted, server: untrusted): awaiting approval
mine (user settings): error - Executable not found in $PATH: "my-own-server"
"""

CLINE = """Configured MCP servers (/home/u/.cline/data/settings/cline_mcp_settings.json):
  bare-url [sse]
  org-http [streamableHttp]
  user-own [stdio]
  s [stdio] (disabled)
"""

CN_FAILED = ('{"status":"error","message":"MCP server(s) failed to load:\\norg-http: Streamable HTTP error: Error '
             'POSTing to endpoint: {\\"error\\":\\"invalid_token\\"}\\ngone: spawn /nonexistent/server ENOENT\\n'
             'Server stderr:\\nno such file"}')


def test_parse_kilo_list():
    got = peers.PARSERS["kilo"](KILO)
    assert (got["docs"]["transport"], got["docs"]["status"]) == ("http", "connected")
    assert (got["local"]["command"], got["local"]["args"]) == ("/venv/bin/python", ["/srv/mcp_server.py"])
    assert got["mine"]["status"] == "failed" and "not found" in got["mine"]["error"]


def test_parse_amp_list_and_doctor():
    listed = peers.parse_amp_list(AMP_LIST)
    assert (listed["mine"]["transport"], listed["mine"]["args"]) == ("stdio", ["--flag"])
    assert listed["docs"]["headers"] == {"Authorization": "Bearer ${AISTACK_TOKEN}"}  # as written, not expanded
    assert (listed["ws"]["source"], listed["ws"]["transport"]) == ("workspace", "http")
    doctor = peers.parse_amp_doctor(AMP_DOCTOR)
    assert (doctor["docs"]["status"], doctor["docs"]["tools"]) == ("connected", ["echo"])
    assert doctor["mine"]["status"] == "failed"  # the final word, not the retry before it
    assert doctor["ws"]["status"] == "needs-approval"


def test_parse_cline_list():
    got = peers.parse_cline_list(CLINE)
    assert got == {"bare-url": {"transport": "sse", "status": "enabled"},
                   "org-http": {"transport": "http", "status": "enabled"},
                   "user-own": {"transport": "stdio", "status": "enabled"},
                   "s": {"transport": "stdio", "status": "disabled"}}


def test_parse_cn_result():
    got = peers.parse_cn_result("some log line\n" + CN_FAILED, ["org-http", "gone", "fine"])
    assert got["org-http"]["status"] == "failed" and "invalid_token" in got["org-http"]["status_text"]
    assert got["gone"]["status"] == "failed" and got["gone"]["status_text"].endswith("no such file")
    assert got["fine"]["status"] == "unknown"  # cn stopped before saying
    assert peers.parse_cn_result("Hello from the model.\n", ["a"]) == {"a": {"status": "connected"}}
