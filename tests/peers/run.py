"""Locate the pinned assistant CLIs and run them offline, non-interactively, in a throwaway HOME."""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
NODE_BIN = TESTS / "node" / "node_modules" / ".bin"

# The versions tests/node/package.json pins; `installed_version` reads what is really there.
VERSIONS = {
    "claude": "2.1.332",
    "codex": "0.171.0",
    "gemini": "0.61.0",
    "opencode": "1.18.33",
    "qwen": "0.24.4",
    "copilot": "1.0.102",
    "cn": "1.5.47",
    "kilo": "7.7.7",
    "amp": "0.0.1790142911-g7618fb",
    "cline": "3.0.65",
}


def _cline_package() -> str:
    """Cline's CLI is pinned as its platform binary alone (the `cline` package adds ~280 MB the binary never uses)."""
    os_ = {"win32": "windows", "darwin": "darwin"}.get(sys.platform, "linux")
    return f"@cline/cli-{os_}-{'arm64' if platform.machine().lower() in ('arm64', 'aarch64') else 'x64'}"


PACKAGES = {
    "claude": "@anthropic-ai/claude-code",
    "codex": "@openai/codex",
    "gemini": "@google/gemini-cli",
    "opencode": "opencode-ai",
    "qwen": "@qwen-code/qwen-code",
    "copilot": "@github/copilot",
    "cn": "@continuedev/cli",
    "kilo": "@kilocode/cli",
    "amp": "@ampcode/cli",
    "cline": _cline_package(),
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
    # cn: no telemetry; headless runs never update themselves
    "CONTINUE_METRICS_ENABLED": "0",
    "CONTINUE_CLI_ENABLE_TELEMETRY": "0",
    # kilo (OpenCode's switches under Kilo's names)
    "KILO_DISABLE_AUTOUPDATE": "1",
    "KILO_DISABLE_MODELS_FETCH": "1",
    "KILO_DISABLE_DEFAULT_PLUGINS": "1",
    "KILO_DISABLE_LSP_DOWNLOAD": "1",
    "KILO_DISABLE_SHARE": "1",
    # cline: its telemetry is OpenTelemetry only
    "OTEL_TELEMETRY_ENABLED": "false",
}
# Passed through from the test process: what a subprocess needs to start at all.
_PASSTHROUGH = ("PATH", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "COMSPEC", "PATHEXT")


def cli_path(name: str) -> Path | None:
    """The installed CLI, or None when `npm ci --prefix tests/node` has not been run."""
    if name not in VERSIONS:
        raise KeyError(f"unknown peer CLI {name!r}; known: {', '.join(VERSIONS)}")
    path = NODE_BIN / name
    return path if path.exists() else None


_NATIVE = ("claude", "opencode", "amp", "cline")  # native binaries; the others (kilo's launcher too) are node scripts


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
