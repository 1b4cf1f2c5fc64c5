"""The README's first command, `bash sandbox/demo.sh`, run as a user would: it succeeds, shows each step's real
result, and leaves nothing behind (no process, no temporary HOME)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from support.sandbox_peer import REPO, org_env, require_peers

pytestmark = [pytest.mark.peer, pytest.mark.timeout(300)]


def sandbox_processes_under(root: Path) -> list[int]:
    marker = f"SANDBOX_DIR={root.resolve()}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if any(v.startswith(marker) for v in (entry / "environ").read_bytes().split(b"\0")):
                    if (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                        found.append(int(entry.name))
            except OSError:
                continue
    return found


def leftovers(tmp_path: Path) -> list[str]:
    """What is in TMPDIR besides the caller's HOME and the test suite's own (conftest's `home`)."""
    return sorted(p.name for p in tmp_path.iterdir() if p.name not in ("home", "user-home"))


def test_demo_runs_the_whole_onboarding_and_leaves_nothing_running(tmp_path):
    require_peers()
    env = dict(org_env(tmp_path / "user-home"), TMPDIR=str(tmp_path), PYTHON=sys.executable)
    (tmp_path / "user-home").mkdir()
    result = subprocess.run(["bash", str(REPO / "sandbox" / "demo.sh")], capture_output=True, text=True,
                            timeout=280, env=env, stdin=subprocess.DEVNULL, cwd=tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-4000:]
    for shown in ("Logged in to Sandbox Org as demo@example.com", "claude-code: ", "AGENTS.md: created",
                  "Hello from the aistack sandbox gateway.", "handbook: ", "Connected", "aistack usage · Sandbox Org",
                  "ok    mcp:handbook", "ok    assistant:claude-code", "aistack doctor: all checks passed"):
        assert shown in out, shown
    assert "\x1b[" not in result.stderr.split("aistack usage")[0]  # not a terminal: no colour codes
    assert sandbox_processes_under(tmp_path) == []
    assert leftovers(tmp_path) == []  # the temporary HOME is gone, and TMPDIR is clean
    assert list((tmp_path / "user-home").iterdir()) == []  # the caller's HOME was never touched


def test_demo_without_a_usable_python_says_so_and_installs_nothing(tmp_path):
    """The demo installs what it needs (scripts/bootstrap demo); with no Python 3.11+ to do it, it says what to do."""
    env = dict(os.environ, PYTHON=str(tmp_path / "nowhere" / "python"))
    (tmp_path / "nowhere").mkdir()
    (tmp_path / "nowhere" / "python").symlink_to("/bin/false")
    result = subprocess.run(["bash", str(REPO / "sandbox" / "demo.sh")], capture_output=True, text=True, timeout=30,
                            env=env, stdin=subprocess.DEVNULL, cwd=tmp_path)
    assert result.returncode == 1
    assert "==> [1/3] check Python 3.11+ and Node.js 22+" in result.stderr
    assert "error: aistack needs Python 3.11 or newer" in result.stderr and "hint: Install Python 3.11+" in result.stderr
    assert "==> [2/3]" not in result.stderr  # nothing was installed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "nowhere"]  # conftest's HOME, and ours


def test_demo_stopped_half_way_stops_the_sandbox_and_removes_its_home(tmp_path):
    """SIGTERM to the demo's process group once the sandbox runs (as a closing terminal sends SIGHUP): the trap
    stops the org and deletes the temporary HOME."""
    require_peers()
    (tmp_path / "user-home").mkdir()
    env = dict(org_env(tmp_path / "user-home"), TMPDIR=str(tmp_path), PYTHON=sys.executable)
    demo = subprocess.Popen(["bash", str(REPO / "sandbox" / "demo.sh")], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=env, stdin=subprocess.DEVNULL, cwd=tmp_path,
                            start_new_session=True)
    seen = []
    try:
        for line in demo.stderr:
            seen.append(line)
            if "==> aistack setup" in line:
                break
        assert sandbox_processes_under(tmp_path), "".join(seen)[-3000:]
        os.killpg(demo.pid, signal.SIGTERM)
        assert demo.wait(timeout=60) != 0
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
    assert sandbox_processes_under(tmp_path) == []
    assert leftovers(tmp_path) == []
