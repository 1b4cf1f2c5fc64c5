"""`aistack doctor`'s relay check, against a real relay: answering for this profile, not answering, its service
file edited, its port taken first by another user."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from support.relay import free_port, running_relay


def write_org(path, mcp_url="http://127.0.0.1:9/mcp"):
    path.write_text(f'schema = 1\n[org]\nname = "Relay Org"\n[gateway]\nurl = "http://127.0.0.1:9"\n'
                    f'[[mcp_servers]]\nname = "docs"\nurl = "{mcp_url}"\nauth = "token"\n')
    return path


def relay_check(cli) -> dict:
    code, out, _ = cli("doctor", "--json", "--timeout", "3")
    [found] = [c for c in json.loads(out)["checks"] if c["id"] == "relay"]
    return found


def test_no_relay_check_until_an_assistant_uses_it(cli, tmp_path):
    assert cli("setup", "claude-code", "--org", str(write_org(tmp_path / "org.toml")))[0] == 0
    _, out, _ = cli("doctor", "--json", "--timeout", "3")
    assert "relay" not in [c["id"] for c in json.loads(out)["checks"]]


def test_answering_then_stopped(cli, tmp_path):
    org = write_org(tmp_path / "org.toml")
    with running_relay(tmp_path / "relay.log") as url:
        assert cli("setup", "cursor", "--org", str(org))[0] == 0
        found = relay_check(cli)
        assert found["status"] == "ok" and url in found["detail"] and "for cursor" in found["detail"]
    found = relay_check(cli)
    assert found["status"] == "fail" and "nothing answers" in found["detail"]
    assert "aistack relay start" in found["fix"]


def test_an_edited_service_file_fails(cli, tmp_path, monkeypatch):
    from aistack.relay import service

    monkeypatch.delenv("AISTACK_RELAY_SERVICE")
    calls = []
    monkeypatch.setattr(service, "run_quietly",
                        lambda argv: calls.append(argv) or subprocess.CompletedProcess(argv, 0, "", ""))
    monkeypatch.setenv("AISTACK_RELAY_PORT", str(free_port()))
    code, _, err = cli("setup", "vscode", "--org", str(write_org(tmp_path / "org.toml")))
    assert code == 0 and "relay service:" in err and calls[0] == ["systemctl", "--user", "daemon-reload"]
    unit = next(p for p in (tmp_path / "home" / ".config" / "systemd" / "user").iterdir() if p.suffix == ".service")
    unit.write_text(unit.read_text().replace("Restart=on-failure", "Restart=no"))
    found = relay_check(cli)
    assert found["status"] == "fail" and str(unit) in found["detail"] and "aistack setup vscode" in found["fix"]
    # setup puts it back, and --remove of the last assistant using the relay takes the service out.
    assert cli("setup", "vscode")[0] == 0 and "Restart=on-failure" in unit.read_text()
    code, _, err = cli("setup", "vscode", "--remove")
    assert code == 0 and f"relay service: {unit}: deleted" in err and not unit.exists()
    assert ["systemctl", "--user", "disable", "--now", "aistack-relay.socket", "aistack-relay.service"] in calls


def test_a_port_taken_by_another_user_fails(cli, tmp_path, monkeypatch):
    if os.getuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv to listen as another user")
    port = free_port()
    squatter = subprocess.Popen(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c",
                                 f"import socket,time; s=socket.socket(); s.bind(('127.0.0.1',{port})); s.listen(); "
                                 "time.sleep(60)"])
    try:
        time.sleep(0.5)
        monkeypatch.setenv("AISTACK_RELAY_PORT", str(port))
        assert cli("setup", "windsurf", "--org", str(write_org(tmp_path / "org.toml")))[0] == 0
        found = relay_check(cli)
        assert found["status"] == "fail" and "taken by another user (uid 65534)" in found["detail"]
    finally:
        squatter.kill()
        squatter.wait(5)
