"""The real assistant CLIs as test peers: find them, run them offline in a throwaway HOME, read their MCP listings.

The CLIs are the npm packages pinned in tests/node/package.json (`npm ci --prefix tests/node`).
`run_cli(name, args, home=...)` runs one with a clean environment rooted at `home`;
`mcp_listing(name, home)` returns what the CLI itself says is configured, normalised to
``{server: {"transport": "stdio"|"http"|"sse", "url"|"command"+"args", "status", ...}}``.
The parsers are pure functions (`parse_*`) over the CLI's own output.

Verified facts (each one is exercised by tests/e2e/test_peer_formats.py; node 20.20 here):

| CLI | verified with | fact |
|---|---|---|
| all | | every CLI runs offline here. `claude` and `opencode` are native binaries, so claude's `engines: node>=22` does not matter; `qwen` declares node>=22 yet runs (mcp list, -p) on node 20 |
| claude | 2.1.328 | user servers: `~/.claude.json` `mcpServers` (`$CLAUDE_CONFIG_DIR/.claude.json` when set), no trust prompt; `type` stdio/http/sse. `mcp list` connects to each: `NAME: URL (HTTP) - ✔ Connected`, `NAME: CMD ARGS - ✘ Failed to connect — why`; exit 0 even when servers fail; `mcp get NAME` shows Type/URL/Command/Args/Headers/Environment, not headersHelper |
| claude | 2.1.328 | EVERY run rewrites `~/.claude.json` (2-space re-indent, adds firstStartTime, userID, migrationVersion...) |
| claude | 2.1.328 | `headersHelper` (command string, run with cwd ~/.claude and env CLAUDE_CODE_MCP_SERVER_NAME / _URL) prints a JSON object; its headers reach the server. `${VAR}` and `${VAR:-default}` in `headers` are expanded. A 401 server without either: `Failed to connect — Dynamic Client Registration rejected` |
| claude | 2.1.328 | gateway: `~/.claude/settings.json` `env.ANTHROPIC_BASE_URL` → `<base>/v1/messages`; `apiKeyHelper` output goes out as both `Authorization: Bearer` and `x-api-key`; `env.ANTHROPIC_CUSTOM_HEADERS` = newline-separated `Name: value` |
| codex | 0.169.0 | `mcp list --json`: list of `{name, enabled, transport: {type: stdio\|streamable_http, ...}}`, no connection check; reading never rewrites config.toml. Unknown keys (`type`, `headers`, anything) are silently ignored; `url`+`command` is fatal (`url is not supported for stdio`); inline `bearer_token` is fatal; there is no SSE (`transport = "sse"` is ignored, the url is used as streamable HTTP) |
| codex | 0.169.0 | remote entries: `bearer_token_env_var`, `http_headers`, `env_http_headers`, and NEW `http_headers_helper = "<command>"` (a string; prints a JSON object of headers; 10 s timeout). `codex exec` connects with them (both verified against a token-checking server) |
| codex | 0.169.0 | gateway: `model_provider = "X"` + `[model_providers.X] base_url, env_key, wire_api = "responses", http_headers` → `<base_url>/responses` with `Authorization: Bearer $env_key`. Prints a harmless `WARNING: ... could not create PATH aliases` when CODEX_HOME is under /tmp |
| gemini | 0.61.0 | `~/.gemini/settings.json`: `//` comments fine, a trailing comma is fatal (exit 52, names the file); reading never rewrites it. Untrusted folder ⇒ even user servers are `Disabled` (`GEMINI_CLI_TRUST_WORKSPACE=true` trusts). Listing goes to STDERR: `✓ NAME: TARGET (http) - Connected` |
| gemini | 0.61.0 | `httpUrl` and `type: "http"` + `url` are streamable HTTP; a bare `url` is ALSO http (no SSE fallback, so an SSE endpoint fails): SSE needs `type: "sse"`. `$VAR`, `${VAR}` expanded in `headers` |
| gemini | 0.61.0 | gateway: `~/.gemini/.env` `GOOGLE_GEMINI_BASE_URL`, `GEMINI_API_KEY_AUTH_MECHANISM=bearer` (sends `Authorization: Bearer` and `x-goog-api-key`), `GEMINI_CLI_CUSTOM_HEADERS=a: 1, b: 2`; the key from the env (`GEMINI_API_KEY`); headless runs need settings `security.auth.selectedType = "gemini-api-key"` (else exit 41 "Invalid auth method selected") |
| qwen | 0.24.4 | `~/.qwen/settings.json`, comments fine, no folder-trust gate. `type` is IGNORED: a bare `url` is SSE even with `type: "http"`; streamable HTTP needs `httpUrl`. `$VAR` expanded in headers. It MIGRATES a file without `"$version"`: adds `"$version": 4`, re-indents what it touched, keeps comments |
| qwen | 0.24.4 | gateway: `modelProviders.openai[] {id, name, baseUrl, envKey, generationConfig.customHeaders}` + `security.auth.selectedType = "openai"` + `model.name = id` → `<baseUrl>/chat/completions`, `Authorization: Bearer $envKey` |
| gemini+qwen | | one shape both read right: http → `httpUrl`; sse → `type: "sse"` + `url` |
| opencode | 1.18.33 | merges `~/.config/opencode/config.json`, `opencode.json`, `opencode.jsonc` (later wins per server); CREATES `opencode.jsonc` (`{"$schema": ...}`) on first run when none exists; comments and trailing commas fine; `remote` tries streamable HTTP then SSE; `{env:VAR}` expanded; `debug config` prints the merged config with header/apiKey values as `***` |
| opencode | 1.18.33 | gateway: `provider.anthropic.options.baseURL` must END IN /v1 (it posts `<baseURL>/messages`, unlike ANTHROPIC_BASE_URL); `apiKey: "{env:AISTACK_TOKEN}"` → `x-api-key`; `options.headers` sent |
| copilot | 1.0.102 | `~/.copilot/mcp-config.json` (`$COPILOT_HOME/mcp-config.json`; XDG_CONFIG_HOME is NOT used); `type` not required (bare `url` = http, bare `command` = stdio), `tools` defaults `["*"]`; invalid entries dropped silently; `${VAR}` expanded in headers; `mcp list --json`, `mcp get NAME --json`, no connection check |
| copilot | 1.0.102 | gateway is env only: `COPILOT_PROVIDER_BASE_URL` (→ `<base>/chat/completions`), `COPILOT_PROVIDER_API_KEY_COMMAND` (a helper: output sent as Bearer), `COPILOT_PROVIDER_HEADERS` (newline-separated) — clients.md's "no custom headers" is outdated; `COPILOT_OFFLINE=true` skips GitHub auth. First run unpacks ~235 MB into `$XDG_CACHE_HOME/copilot`, so the harness shares one cache dir |
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
NODE_BIN = TESTS / "node" / "node_modules" / ".bin"

# The versions tests/node/package.json pins; `installed_version` reads what is really there.
VERSIONS = {
    "claude": "2.1.328",
    "codex": "0.169.0",
    "gemini": "0.61.0",
    "opencode": "1.18.33",
    "qwen": "0.24.4",
    "copilot": "1.0.102",
}
PACKAGES = {
    "claude": "@anthropic-ai/claude-code",
    "codex": "@openai/codex",
    "gemini": "@google/gemini-cli",
    "opencode": "opencode-ai",
    "qwen": "@qwen-code/qwen-code",
    "copilot": "@github/copilot",
}

DEFAULT_TIMEOUT = 60.0
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07")

# Keep every CLI offline, quiet and non-interactive.
_OFFLINE = {
    "CI": "1",
    "NO_COLOR": "1",
    "TERM": "dumb",
    "DO_NOT_TRACK": "1",
    "NO_BROWSER": "1",
    "BROWSER": "false",  # an OAuth flow must never open a browser
    # claude
    "DISABLE_TELEMETRY": "1",
    "DISABLE_AUTOUPDATER": "1",
    "DISABLE_ERROR_REPORTING": "1",
    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
    "CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY": "1",
    # gemini: a fresh temp folder is untrusted, and an untrusted folder disables even user-scope MCP servers
    "GEMINI_CLI_TRUST_WORKSPACE": "true",
    "GEMINI_TELEMETRY_ENABLED": "false",
    "GEMINI_CLI_NO_RELAUNCH": "true",
    # qwen
    "QWEN_TELEMETRY_ENABLED": "false",
    "QWEN_USAGE_STATISTICS_ENABLED": "false",
    "QWEN_CODE_NO_RELAUNCH": "true",
    # opencode: no update check, no models.dev fetch, no npm install of default plugins
    "OPENCODE_DISABLE_AUTOUPDATE": "1",
    "OPENCODE_DISABLE_MODELS_FETCH": "1",
    "OPENCODE_DISABLE_DEFAULT_PLUGINS": "1",
    "OPENCODE_DISABLE_LSP_DOWNLOAD": "1",
    "OPENCODE_DISABLE_SHARE": "1",
    # copilot
    "COPILOT_AUTO_UPDATE": "false",
}
# Passed through from the test process: what a subprocess needs to start at all.
_PASSTHROUGH = ("PATH", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "COMSPEC", "PATHEXT")


def cli_path(name: str) -> Path | None:
    """The installed CLI, or None when `npm ci --prefix tests/node` has not been run."""
    if name not in VERSIONS:
        raise KeyError(f"unknown peer CLI {name!r}; known: {', '.join(VERSIONS)}")
    path = NODE_BIN / name
    return path if path.exists() else None


_NATIVE = ("claude", "opencode")  # native binaries; the others are node scripts


def available(name: str) -> bool:
    return cli_path(name) is not None and (name in _NATIVE or shutil.which("node") is not None)


def require(name: str) -> Path:
    """The CLI's path; skips the calling test, saying why, when it is not installed."""
    import pytest

    path = cli_path(name)
    if path is None:
        pytest.skip(f"{PACKAGES[name]} is not installed: run `npm ci --prefix tests/node`")
    if name not in _NATIVE and shutil.which("node") is None:
        pytest.skip(f"{name} needs node on PATH")
    return path


def installed_version(name: str) -> str | None:
    pkg = TESTS / "node" / "node_modules" / PACKAGES[name] / "package.json"
    try:
        return json.loads(pkg.read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def shared_cache() -> Path:
    """A cache dir shared across runs: copilot unpacks ~235 MB there on first start."""
    path = Path(os.environ.get("AISTACK_PEER_CACHE") or Path(tempfile.gettempdir()) / f"aistack-peer-cache-{os.getuid()}")
    path.mkdir(parents=True, exist_ok=True)
    return path


def env_for(name: str, home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """A clean environment rooted at `home`: nothing from the real user, no network chatter."""
    home = Path(home)
    env = {k: os.environ[k] for k in _PASSTHROUGH if k in os.environ}
    env.update(_OFFLINE)
    env.update({
        "HOME": str(home),
        "USERPROFILE": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "XDG_CACHE_HOME": str(shared_cache() if name == "copilot" else home / ".cache"),
        "APPDATA": str(home / "AppData" / "Roaming"),
        "LOCALAPPDATA": str(home / "AppData" / "Local"),
    })
    if extra:
        env.update(extra)
    return env


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def run_cli(name: str, args: list[str], home: Path, *, cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = DEFAULT_TIMEOUT, check: bool = False, input: str | None = None
            ) -> subprocess.CompletedProcess[str]:
    """Run a peer CLI offline with HOME=`home`; stdout/stderr come back as text without ANSI codes.

    `cwd` defaults to `home/project` (created), so project-scope lookups see an empty project.
    `env` adds to (or overrides) the clean environment. A CLI that outlives `timeout` is killed
    and the test fails with what it printed so far.
    """
    path = require(name)
    home = Path(home)
    if cwd is None:
        cwd = home / "project"
        cwd.mkdir(parents=True, exist_ok=True)
    try:
        proc = subprocess.run([str(path), *args], cwd=cwd, env=env_for(name, home, env), text=True,
                              input=input if input is not None else "", capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        err = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else (exc.stderr or "")
        raise AssertionError(f"{name} {' '.join(args)} did not finish within {timeout}s\n"
                             f"stdout:\n{strip_ansi(out)}\nstderr:\n{strip_ansi(err)}") from None
    proc = subprocess.CompletedProcess(proc.args, proc.returncode, strip_ansi(proc.stdout), strip_ansi(proc.stderr))
    if check and proc.returncode != 0:
        raise AssertionError(f"{name} {' '.join(args)} exited {proc.returncode}\n"
                             f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return proc


# ---- listings -------------------------------------------------------------------------------

LIST_ARGS = {
    "claude": ["mcp", "list"],
    "codex": ["mcp", "list", "--json"],
    "gemini": ["mcp", "list"],
    "opencode": ["mcp", "list"],
    "qwen": ["mcp", "list"],
    "copilot": ["mcp", "list", "--json"],
}


def mcp_listing(name: str, home: Path, *, env: dict[str, str] | None = None, cwd: Path | None = None,
                timeout: float = DEFAULT_TIMEOUT) -> dict[str, dict]:
    """What `<cli> mcp list` reports, as {server: {...}}; fails when the CLI exits non-zero."""
    proc = run_cli(name, LIST_ARGS[name], home, env=env, cwd=cwd, timeout=timeout, check=True)
    # gemini prints its listing on stderr; the JSON listings are stdout only
    text = proc.stdout if LIST_ARGS[name][-1] == "--json" else proc.stdout + "\n" + proc.stderr
    return PARSERS[name](text)


def _status(text: str) -> str:
    t = text.strip().lower()
    if t.startswith(("✔", "✓")) or t.startswith("connected"):
        return "connected"
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


_CLAUDE_LINE = re.compile(r"^(?P<name>[^\s:][^:]*): (?P<target>.*?) - (?P<status>[✔✘⚠✓✗!?].*)$")


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


_GEMINI_LINE = re.compile(r"^\s*(?:[✓✗○…⟳●◌]\s+)?(?P<name>[^\s:][^:]*): (?P<target>.*) \((?P<t>stdio|http|sse)\) - (?P<status>.+)$")


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


PARSERS = {
    "claude": parse_claude_list,
    "codex": parse_codex_list,
    "gemini": parse_gemini_list,
    "qwen": parse_gemini_list,
    "opencode": parse_opencode_list,
    "copilot": parse_copilot_list,
}


def opencode_config(home: Path, **kw) -> dict:
    """`opencode debug config`: OpenCode's merged, resolved config (header and key values shown as ***)."""
    proc = run_cli("opencode", ["debug", "config"], home, check=True, **kw)
    return json.loads(proc.stdout)
