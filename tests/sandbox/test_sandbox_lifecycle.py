"""Starting the sandbox org can fail or be interrupted half-way; either way nothing may be left running."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

from support.sandbox_peer import ORG, org_env, processes_of, require_peers, run_org

pytestmark = [pytest.mark.peer, pytest.mark.timeout(120)]


def test_up_failing_half_way_stops_what_it_started(tmp_path):
    """The gateway cannot be ready in 2 s (LiteLLM alone imports for longer): up fails after the IdP started."""
    require_peers()
    result = run_org("up", "--dir", str(tmp_path / "org"), "--timeout", "2", home=tmp_path, timeout=60)
    assert result.returncode == 1
    assert "in time" in result.stderr and "Nothing is left running" in result.stderr
    assert processes_of(tmp_path / "org") == []
    assert not (tmp_path / "org" / "state.json").exists()


def test_ctrl_c_during_up_stops_what_it_started(tmp_path):
    require_peers()
    directory = tmp_path / "org"
    proc = subprocess.Popen([sys.executable, str(ORG), "up", "--dir", str(directory), "--foreground"],
                            env=org_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state = json.loads((directory / "state.json").read_text()) if (directory / "state.json").exists() else {}
            if "port" in state.get("components", {}).get("idp", {}) and "mcp" in state["components"]:
                break
            time.sleep(0.1)
        else:
            pytest.fail("up never started its components")
        assert processes_of(directory)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "interrupted; nothing is left running" in err
    assert processes_of(directory) == []
