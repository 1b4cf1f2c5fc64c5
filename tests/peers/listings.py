"""Each assistant CLI's own MCP listing, parsed into one shape.

``{server: {"transport": "stdio"|"http"|"sse", "url" | "command" + "args", "status", ...}}``;
`status` is connected / failed / needs-auth / disabled where the CLI connects (claude, gemini,
qwen, opencode, kilo) and enabled / disabled where it only reads the file (codex, copilot, amp, cline).
Continue's `cn` has no listing: `continue_run` runs a prompt, which connects to every server first.
The `parse_*` functions are pure: they take the CLI's text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .run import DEFAULT_TIMEOUT, run_cli

LIST_ARGS = {
    "claude": ["mcp", "list"],
    "codex": ["mcp", "list", "--json"],
    "gemini": ["mcp", "list"],
    "opencode": ["mcp", "list"],
    "qwen": ["mcp", "list"],
    "copilot": ["mcp", "list", "--json"],
    "kilo": ["mcp", "list"],  # connects; `kilo debug config` would print header secrets expanded: never use it
    "amp": ["mcp", "list", "--json"],  # no connection; `amp_doctor` connects
    "cline": ["config", "mcp"],  # no connection; Cline connects only to run a prompt
}
_JSON_ON_STDOUT = ("codex", "copilot", "amp")


def mcp_listing(name: str, home: Path, *, env: dict[str, str] | None = None, cwd: Path | None = None,
                timeout: float = DEFAULT_TIMEOUT) -> dict[str, dict]:
    """What `<cli> mcp list` reports, as {server: {...}}; fails when the CLI exits non-zero."""
    proc = run_cli(name, LIST_ARGS[name], home, env=env, cwd=cwd, timeout=timeout, check=True)
    # gemini prints its listing on stderr; the JSON listings are stdout only
    text = proc.stdout if name in _JSON_ON_STDOUT else proc.stdout + "\n" + proc.stderr
    return PARSERS[name](text)


def _status(text: str) -> str:
    t = text.strip().lower()
    if t.startswith(("✔", "✓")) or t.startswith("connected"):
        return "connected"
    if "approval" in t:  # a project server the user has not approved yet (claude .mcp.json, qwen)
        return "needs-approval"
    if "auth" in t and ("need" in t or "required" in t):
        return "needs-auth"
    if "disabled" in t:
        return "disabled"
    if t.startswith(("✘", "✗")) or "fail" in t or "disconnected" in t or "error" in t:
        return "failed"
    if "connecting" in t or "pending" in t:
        return "pending"
    return t or "unknown"


def _remote_or_stdio(target: str, transport: str | None) -> dict:
    if transport in ("http", "sse"):
        return {"transport": transport, "url": target.strip()}
    parts = target.split()
    return {"transport": "stdio", "command": parts[0] if parts else "", "args": parts[1:]}


# the status starts with a symbol: ✔ Connected, ✘ Failed to connect, ⏸ Pending approval, ...
_CLAUDE_LINE = re.compile(r"^(?P<name>[^\s:][^:]*): (?P<target>.*?) - (?P<status>[^\w\s].*)$")


def parse_claude_list(text: str) -> dict[str, dict]:
    """`claude mcp list`: `NAME: URL (HTTP) - ✔ Connected` / `NAME: CMD ARGS - ✘ Failed to connect — why`.

    Stdio command and args are split on whitespace; use `claude_get` for exact values.
    """
    servers: dict[str, dict] = {}
    for line in text.splitlines():
        m = _CLAUDE_LINE.match(line.rstrip())
        if not m:
            continue
        target, transport = m["target"].rstrip(), None
        tm = re.match(r"^(?P<url>\S+) \((?P<t>HTTP|SSE)\)$", target)
        if tm:
            target, transport = tm["url"], tm["t"].lower()
        entry = _remote_or_stdio(target, transport)
        entry.update(status=_status(m["status"]), status_text=m["status"].strip())
        servers[m["name"]] = entry
    return servers


def parse_claude_get(text: str) -> dict:
    """`claude mcp get NAME`: indented `Key: value` lines plus Headers/Environment blocks."""
    entry: dict = {}
    block: str | None = None
    for line in text.splitlines():
        if not line.strip() or line.startswith("To remove"):
            continue
        indent = len(line) - len(line.lstrip())
        key, _, value = line.strip().partition(":")
        if indent <= 2 and value.strip():
            block = None
            entry[key.lower()] = value.strip()
        elif indent <= 2 and key in ("Headers", "Environment"):
            block = key.lower()
            entry[block] = {}
        elif block and indent > 2:
            k, sep, v = line.strip().partition(": " if block == "headers" else "=")
            entry[block][k] = v
    if "type" in entry:
        entry["transport"] = entry["type"]
    if "args" in entry:
        entry["args"] = entry["args"].split()
    if "status" in entry:
        entry["status_text"], entry["status"] = entry["status"], _status(entry["status"])
    return entry


def claude_get(server: str, home: Path, **kw) -> dict:
    proc = run_cli("claude", ["mcp", "get", server], home, check=True, **kw)
    return parse_claude_get(proc.stdout)


def parse_codex_list(text: str) -> dict[str, dict]:
    """`codex mcp list --json`: a JSON list; codex does not connect, so status is enabled/disabled."""
    servers: dict[str, dict] = {}
    for item in json.loads(text):
        t = item["transport"]
        if t["type"] == "stdio":
            entry = {"transport": "stdio", "command": t["command"], "args": t.get("args") or [],
                     "env": t.get("env") or {}}
        else:
            entry = {"transport": "http" if t["type"] == "streamable_http" else t["type"], "url": t["url"],
                     "bearer_token_env_var": t.get("bearer_token_env_var"),
                     "http_headers": t.get("http_headers") or {},
                     "env_http_headers": t.get("env_http_headers") or {},
                     "http_headers_helper": t.get("http_headers_helper")}
        entry["status"] = "enabled" if item.get("enabled", True) else "disabled"
        entry["raw"] = item
        servers[item["name"]] = entry
    return servers


_GEMINI_LINE = re.compile(r"^\s*(?:[✓✗○…⟳●◌⛔]\s+)?(?P<name>[^\s:][^:]*): (?P<target>.*) \((?P<t>stdio|http|sse)\) - (?P<status>.+)$")


def parse_gemini_list(text: str) -> dict[str, dict]:
    """`gemini mcp list` / `qwen mcp list`: `✓ NAME: TARGET (http) - Connected`."""
    servers: dict[str, dict] = {}
    for line in text.splitlines():
        m = _GEMINI_LINE.match(line.rstrip())
        if not m:
            continue
        entry = _remote_or_stdio(m["target"], m["t"])
        entry.update(status=_status(m["status"]), status_text=m["status"].strip())
        servers[m["name"]] = entry
    return servers


def parse_opencode_list(text: str) -> dict[str, dict]:
    """`opencode mcp list`: a block per server, `●  ✓ NAME STATUS` then `│  [error]` and `│  TARGET` lines.

    It does not say local or remote: a target that is a URL is taken as remote (`http`).
    """
    servers: dict[str, dict] = {}
    current: str | None = None
    lines: list[str] = []

    def close() -> None:
        if current is None:
            return
        target = lines[-1] if lines else ""
        entry = _remote_or_stdio(target, "http" if re.match(r"^https?://", target) else None)
        entry.update(status=status, status_text=status_text, error=" ".join(lines[:-1]) or None)
        servers[current] = entry

    status = status_text = ""
    for raw in text.splitlines():
        line = raw.rstrip()
        m = re.match(r"^●\s+\S+\s+(?P<name>\S+)\s+(?P<status>.+)$", line)
        if m:
            close()
            current, lines = m["name"], []
            status_text = m["status"].strip()
            status = _status(status_text)
            continue
        body = line.lstrip("│").strip()
        if current is not None and line.startswith("│") and body:
            lines.append(body)
        elif line.startswith("└"):
            close()
            current = None
    close()
    return servers


def parse_copilot_list(text: str) -> dict[str, dict]:
    """`copilot mcp list --json`: {"mcpServers": {...}}; copilot does not connect either."""
    servers: dict[str, dict] = {}
    for name, item in (json.loads(text).get("mcpServers") or {}).items():
        kind = item.get("type") or ("http" if "url" in item else "stdio")
        if kind in ("local", "stdio"):
            entry = {"transport": "stdio", "command": item.get("command"), "args": item.get("args") or [],
                     "env": item.get("env") or {}}
        else:
            entry = {"transport": kind, "url": item.get("url"), "headers": item.get("headers") or {}}
        entry.update(status="enabled" if item.get("enabled", True) else "disabled", source=item.get("source"),
                     tools=item.get("tools"), raw=item)
        servers[name] = entry
    return servers


def parse_amp_list(text: str) -> dict[str, dict]:
    """`amp mcp list --json`: [{name, type: command|url, source: global|workspace, spec}], `${VAR}` not expanded."""
    servers: dict[str, dict] = {}
    for item in json.loads(text):
        spec = item.get("spec") or {}
        if item.get("type") == "command":
            entry = {"transport": "stdio", "command": spec.get("command"), "args": spec.get("args") or [],
                     "env": spec.get("env") or {}}
        else:  # a bare url: streamable HTTP, falling back to SSE
            entry = {"transport": spec.get("type") or "http", "url": spec.get("url"),
                     "headers": spec.get("headers") or {}}
        entry.update(status="disabled" if spec.get("disabled") else "enabled", source=item.get("source"), raw=item)
        servers[item["name"]] = entry
    return servers


_AMP_DOCTOR = re.compile(r"^(?P<name>\S+) \((?P<where>[^)]*)\): (?P<status>.+)$")


def parse_amp_doctor(text: str) -> dict[str, dict]:
    """`amp mcp doctor`: `NAME (user settings): connected (1 tools: echo)`; the last line per server wins (it prints
    `reconnecting ...` before `error - why`)."""
    servers: dict[str, dict] = {}
    for line in text.splitlines():
        m = _AMP_DOCTOR.match(line.strip())
        if not m or m["status"].startswith("reconnecting"):
            continue
        status = m["status"].strip()
        tools = re.search(r"\((\d+) tools?: ([^)]*)\)", status)
        servers[m["name"]] = {"status": "needs-approval" if "awaiting approval" in status else _status(status),
                              "status_text": status, "where": m["where"],
                              "tools": [t.strip() for t in tools[2].split(",")] if tools else []}
    return servers


_CLINE_LINE = re.compile(r"^\s+(?P<name>\S+) \[(?P<t>stdio|sse|streamableHttp)\](?P<off> \(disabled\))?\s*$")


def parse_cline_list(text: str) -> dict[str, dict]:
    """`cline config mcp`: `  NAME [stdio|sse|streamableHttp]`, ` (disabled)` after a disabled one; no targets."""
    servers: dict[str, dict] = {}
    for line in text.splitlines():
        m = _CLINE_LINE.match(line.rstrip())
        if m:
            servers[m["name"]] = {"transport": "http" if m["t"] == "streamableHttp" else m["t"],
                                  "status": "disabled" if m["off"] else "enabled"}
    return servers


def parse_cn_result(text: str, names: list[str]) -> dict[str, dict]:
    """`cn -p PROMPT` connects to every server before the prompt; when any fails it prints (exit 1)
    `{"status":"error","message":"MCP server(s) failed to load:\\nNAME: why\\nNAME: why"}`. Each of `names` comes
    back connected, failed (with why), or unknown when cn stopped for another reason."""
    message = None
    for line in text.splitlines():
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if isinstance(data, dict) and data.get("status") == "error":
            message = str(data.get("message", ""))
    failed: dict[str, str] = {}
    if message and message.startswith("MCP server(s) failed to load:"):
        current = None
        for line in message.splitlines()[1:]:
            head, sep, rest = line.partition(": ")
            if sep and head in names:
                current = head
                failed[current] = rest
            elif current:
                failed[current] += "\n" + line
    return {name: {"status": "failed", "status_text": failed[name]} if name in failed else
            {"status": "connected" if message is None else "unknown"} for name in names}


PARSERS = {
    "claude": parse_claude_list,
    "codex": parse_codex_list,
    "gemini": parse_gemini_list,
    "qwen": parse_gemini_list,
    "opencode": parse_opencode_list,
    "copilot": parse_copilot_list,
    "kilo": parse_opencode_list,  # OpenCode's listing, under Kilo's name
    "amp": parse_amp_list,
    "cline": parse_cline_list,
}


def opencode_config(home: Path, **kw) -> dict:
    """`opencode debug config`: OpenCode's merged, resolved config (header and key values shown as ***)."""
    proc = run_cli("opencode", ["debug", "config"], home, check=True, **kw)
    return json.loads(proc.stdout)


def amp_doctor(home: Path, **kw) -> dict[str, dict]:
    """`amp mcp doctor`: connects to each server (`AMP_API_KEY` set, else it starts a login and waits)."""
    env = {"AMP_API_KEY": "not-used-offline", **(kw.pop("env", None) or {})}
    proc = run_cli("amp", ["mcp", "doctor"], home, env=env, check=True, **kw)
    return parse_amp_doctor(proc.stdout + "\n" + proc.stderr)


def continue_run(home: Path, names: list[str], prompt: str = "say hi", **kw) -> tuple[int, dict[str, dict]]:
    """`cn -p PROMPT` with the model in ~/.continue/config.yaml: its exit code and, per server in `names`, whether
    it connected (cn exits 0 only when every server did and the model answered)."""
    proc = run_cli("cn", ["-p", prompt], home, **kw)
    return proc.returncode, parse_cn_result(proc.stdout + "\n" + proc.stderr, names)
