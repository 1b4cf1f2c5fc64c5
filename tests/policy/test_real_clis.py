"""The real CLIs enforce the managed layer aistack renders and installs (issue 15, scope 6).

`aistack policy install --root R` writes this machine's managed files under R; each CLI then runs in a private
mount namespace (`unshare -m`) where R/etc lies over /etc as an overlay, so the CLI reads them at their real paths
(/etc/claude-code, /etc/codex, /etc/gemini-cli, /etc/qwen-code) and the machine's own /etc is never touched. A
server the user added outside the org's allowlist (or one the policy denies) must be gone from, or blocked in, the
CLI's own listing; the org's servers must be there. Nothing connects: the URLs are refused loopback ports.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from aistack.paths import Env
from aistack.policy.install import install
from aistack.profile.schema import validate
from peers.listings import LIST_ARGS, PARSERS, parse_qwen_reconnect
from peers.run import env_for, require, strip_ansi

ORG = "http://127.0.0.1:9/org-docs/mcp"  # port 9 refuses at once: listings that connect fail fast
MINE = "http://127.0.0.1:9/mine/mcp"
EVIL = "http://127.0.0.1:9/evil/mcp"


def _profile(servers: str, deny: list[str]):
    return validate({
        "schema": 1, "org": {"name": "Policy Corp"},
        "mcp_servers": [{"name": "org-docs", "url": ORG, "transport": "http"}],
        "policy": {"servers": servers, "deny_names": deny},
    }, "test-profile")


def _namespace_ok() -> str | None:
    if shutil.which("unshare") is None:
        return "unshare is not installed"
    if os.geteuid() != 0:
        return "a private mount namespace with an overlay on /etc needs root (CI runs as root)"
    probe = subprocess.run(["unshare", "-m", "--propagation", "private", "true"], capture_output=True)
    return None if probe.returncode == 0 else f"unshare -m failed: {probe.stderr.decode(errors='replace')}"


@pytest.fixture
def managed_root(tmp_path):
    why = _namespace_ok()
    if why:
        pytest.skip(why)
    return tmp_path / "root"


def _run(cli: str, root: Path, home: Path, args: list[str] | None = None) -> subprocess.CompletedProcess:
    """`cli ARGS` (its MCP listing by default) with root/etc over /etc, in a mount namespace of its own."""
    path = require(cli)
    upper, work = root / "etc", root.parent / "overlay-work"
    upper.mkdir(parents=True, exist_ok=True)
    work.mkdir(exist_ok=True)
    script = f'mount -t overlay overlay -o lowerdir=/etc,upperdir="{upper}",workdir="{work}" /etc && exec "$@"'
    cwd = home / "project"
    cwd.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", str(path),
                           *(args or LIST_ARGS[cli])], cwd=cwd, env=env_for(cli, home), text=True, input="",
                          capture_output=True, timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, strip_ansi(proc.stdout), strip_ansi(proc.stderr))


def _user_servers(cli: str, home: Path) -> None:
    """The user's own servers, in the CLI's user file: `mine` and `evil`."""
    if cli == "claude":
        (home / ".claude.json").write_text(json.dumps({"mcpServers": {
            "mine": {"type": "http", "url": MINE}, "evil": {"type": "http", "url": EVIL}}}))
    elif cli == "codex":  # requirements.toml only allows: the org's server is in the user's file, as setup writes it
        (home / ".codex").mkdir()
        (home / ".codex" / "config.toml").write_text(
            f'[mcp_servers.org-docs]\nurl = "{ORG}"\n\n[mcp_servers.mine]\nurl = "{MINE}"\n\n'
            f'[mcp_servers.evil]\nurl = "{EVIL}"\n')
    else:
        folder = home / (".gemini" if cli == "gemini" else ".qwen")
        folder.mkdir()
        (folder / "settings.json").write_text(json.dumps({"mcpServers": {
            "mine": {"httpUrl": MINE}, "evil": {"httpUrl": EVIL}}}))


def _listing(cli: str, profile, tmp_path: Path, root: Path) -> tuple[dict, str]:
    home = tmp_path / f"home-{cli}"
    home.mkdir()
    _user_servers(cli, home)
    env = Env(home=tmp_path / "admin-home", environ={"AISTACK_DATA_DIR": str(tmp_path / "admin-data")})
    for done in install(profile, env, root=root, platform="linux"):
        assert done.outcome.ok, done.outcome.to_json()
    if cli == "qwen":
        # The CLI wins over the docs: qwen 0.24.4's `mcp list` lists every configured server whatever mcp.allowed
        # and mcp.excluded say; `mcp reconnect --all` connects as a session does, and says which it skips and why
        # (exit 1 here, since no server is reachable).
        proc = _run(cli, root, home, ["mcp", "reconnect", "--all"])
        text = proc.stdout + "\n" + proc.stderr
        return parse_qwen_reconnect(text), text
    proc = _run(cli, root, home)
    text = proc.stdout if cli in ("codex",) else proc.stdout + "\n" + proc.stderr
    assert proc.returncode == 0, text
    return PARSERS[cli](text), text


def _usable(entry: dict | None) -> bool:
    return entry is not None and entry.get("status") not in ("disabled", "blocked")


@pytest.mark.parametrize("cli", ["claude", "codex", "gemini", "qwen"])
def test_org_only_hides_the_users_servers(cli, tmp_path, managed_root):
    servers, text = _listing(cli, _profile("org-only", []), tmp_path, managed_root)
    assert _usable(servers.get("org-docs")), text
    assert not _usable(servers.get("mine")) and not _usable(servers.get("evil")), text


@pytest.mark.parametrize("cli", ["claude", "gemini", "qwen"])  # Codex's requirements allow, never deny: see codex.py
def test_a_denied_name_is_refused_and_the_users_own_kept(cli, tmp_path, managed_root):
    servers, text = _listing(cli, _profile("org-and-user", ["evil"]), tmp_path, managed_root)
    assert not _usable(servers.get("evil")), text
    assert _usable(servers.get("mine")), text


def test_codex_refuses_a_server_that_takes_an_org_name_with_another_url(tmp_path, managed_root):
    """Codex's allowlist is by name and identity: `org-docs` pointing elsewhere is not the org's server."""
    home = tmp_path / "home-codex"
    (home / ".codex").mkdir(parents=True)
    (home / ".codex" / "config.toml").write_text(f'[mcp_servers.org-docs]\nurl = "{EVIL}"\n')
    env = Env(home=tmp_path / "admin-home", environ={"AISTACK_DATA_DIR": str(tmp_path / "admin-data")})
    install(_profile("org-only", []), env, root=managed_root, platform="linux")
    proc = _run("codex", managed_root, home)
    servers = PARSERS["codex"](proc.stdout)
    assert servers["org-docs"]["status"] == "disabled", proc.stdout


def test_qwen_denies_by_a_wildcard_name(tmp_path, managed_root):
    """Qwen Code's mcp.excluded takes `*` and `?` (Gemini CLI's takes exact names only, so none is rendered there)."""
    servers, text = _listing("qwen", _profile("org-and-user", ["ev*"]), tmp_path, managed_root)
    assert servers["evil"]["status"] == "blocked" and "mcp.excluded" in servers["evil"]["status_text"], text
    assert _usable(servers.get("mine")), text
