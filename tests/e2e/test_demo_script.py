"""The README's first command, `bash sandbox/demo.sh`, run as a user would: it succeeds, shows each step's real
result, and leaves nothing behind (no process, no temporary HOME)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "sandbox"))
from sandbox_peer import REPO, org_env, require_peers  # noqa: E402

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
    assert not list(tmp_path.glob("aistack-demo.*"))  # the temporary HOME is gone
    assert list((tmp_path / "user-home").iterdir()) == []  # the caller's HOME was never touched


def test_demo_says_what_to_install_and_installs_nothing(tmp_path):
    env = dict(os.environ, PYTHON=str(tmp_path / "nowhere" / "python"))
    (tmp_path / "nowhere").mkdir()
    (tmp_path / "nowhere" / "python").symlink_to("/bin/false")
    result = subprocess.run(["bash", str(REPO / "sandbox" / "demo.sh")], capture_output=True, text=True, timeout=30,
                            env=env, stdin=subprocess.DEVNULL, cwd=tmp_path)
    assert result.returncode == 2
    assert "one-time install" in result.stderr and "pip install -r sandbox/requirements.txt" in result.stderr
    assert "pip install -e ." in result.stderr
