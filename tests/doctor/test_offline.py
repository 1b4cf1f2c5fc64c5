"""`aistack doctor --offline`: every set-up assistant's files and commands checked on this machine, the profile as
last read and the cached token, and not one connection attempted (every socket connect in the process fails the
test; the assistants' `--version` runs are their own processes)."""

from __future__ import annotations

import json
import os
import socket
import stat
import sys
from pathlib import Path

import pytest

import peers
from peers.configs import write

pytestmark = pytest.mark.peer  # a real login against oidc-provider first


@pytest.fixture
def no_network(monkeypatch):
    """Every connect from this process is refused, and remembered."""
    tried: list = []

    def refuse(self, address, *args):
        tried.append(address)
        raise OSError("doctor --offline tried to connect")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return tried


@pytest.fixture
def org(provider, user, memory_keyring, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    path = tmp_path / "org.toml"
    path.write_text(f"""schema = 1
[org]
name = "Offline Org"
[auth]
issuer = "{provider.issuer}"
client_id = "aistack-cli"
[gateway]
url = "http://127.0.0.1:9"
[[mcp_servers]]
name = "docs"
url = "http://127.0.0.1:9/mcp"
auth = "token"
[[mcp_servers]]
name = "local"
command = "{sys.executable}"
args = ["-c", "pass"]
""")
    from aistack.__main__ import main

    assert main(["login", "--org", str(path), "--device"]) == 0
    return path


def doctor(cli) -> tuple[int, dict, str]:
    code, out, err = cli("doctor", "--offline", "--json")
    return code, json.loads(out), err


def by_id(report: dict) -> dict[str, dict]:
    return {c["id"]: c for c in report["checks"]}


def test_offline_checks_every_set_up_assistant_and_connects_to_nothing(cli, org, fake_home, tmp_path, no_network,
                                                                      monkeypatch):
    bin_dir = tmp_path / "bin"  # three of the CLIs on PATH, for the versions doctor reports
    bin_dir.mkdir()
    for name in ("claude", "kilo", "cline"):
        (bin_dir / name).symlink_to(peers.NODE_BIN / name)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    for name in ("claude-code", "kilo-code", "cline", "zed"):
        assert cli("setup", name, "--org", str(org))[0] == 0
    code, report, err = doctor(cli)
    checks = by_id(report)
    assert no_network == [], "doctor --offline connected"
    assert code == 0 and report["offline"] is True, err
    assert checks["profile"]["status"] == "ok" and checks["token"]["status"] == "ok"
    assert "no refresh tried" in checks["token"]["detail"]
    assert checks["gateway"]["status"] == checks["mcp:docs"]["status"] == checks["clock"]["status"] == "skip"
    assert checks["mcp:local"]["status"] == "ok"  # a stdio command is looked up on PATH, not started
    for name in ("claude-code", "kilo-code", "cline", "zed"):
        assert checks[f"assistant:{name}"]["status"] == "ok", checks[f"assistant:{name}"]
    for name, title, cli_name in (("claude-code", "Claude Code", "claude"), ("kilo-code", "Kilo Code", "kilo"),
                                  ("cline", "Cline", "cline")):
        if peers.available(cli_name):
            assert f"{title} {peers.VERSIONS[cli_name]}:" in checks[f"assistant:{name}"]["detail"]
    cli("doctor", "--json", "--timeout", "1")  # the same doctor online: the guard sees it try
    assert no_network


def test_offline_names_an_unreadable_file_and_a_bridge_whose_aistack_is_gone(cli, org, fake_home, tmp_path,
                                                                           monkeypatch, no_network):
    moved = tmp_path / "old-bin"
    fake = write(moved / "aistack", "#!/bin/sh\nexit 0\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{moved}{os.pathsep}{os.environ['PATH']}")
    assert cli("setup", "zed", "claude-code", "--org", str(org))[0] == 0
    fake.unlink()  # aistack reinstalled elsewhere: Zed's bridge entries point at nothing
    (fake_home / ".claude.json").write_text('{"mcpServers": {,}}\n')
    code, report, err = doctor(cli)
    checks = by_id(report)
    assert no_network == []
    assert code == 1 and {"assistant:zed", "assistant:claude-code"} <= set(report["failed"]), err
    assert f"cannot start `{fake}`" in checks["assistant:zed"]["detail"]
    assert checks["assistant:zed"]["fix"] == "Run `aistack setup zed`."
    assert f"{fake_home / '.claude.json'}:1:" in checks["assistant:claude-code"]["detail"]


def test_offline_a_profile_url_is_not_fetched_and_its_copy_is_used(cli, org, fake_home, no_network, monkeypatch):
    from aistack.paths import Env
    from aistack.profile import load, remember

    profile = load(str(org))
    remembered = profile.__class__(**{**profile.__dict__, "source": "https://ai.example.com/.well-known/aistack"})
    remember(remembered, Env.current())
    code, report, _ = doctor(cli)
    assert no_network == []
    profile_check = by_id(report)["profile"]
    assert profile_check["status"] == "ok" and "not read again" in profile_check["detail"]
    code, out, err = cli("doctor", "--offline", "--json", "--org", "https://other.example.com")
    assert code == 1 and "cannot be fetched offline" in by_id(json.loads(out))["profile"]["detail"]
    assert no_network == []


def test_offline_shows_each_assistants_layers_and_what_the_managed_layer_blocks(cli, org, fake_home, root_dir,
                                                                               no_network, monkeypatch):
    system = root_dir / "gemini-system.json"  # Gemini CLI's own override; never the machine's /etc
    system.write_text(json.dumps({"mcp": {"excluded": ["local"]}}))
    monkeypatch.setenv("GEMINI_CLI_SYSTEM_SETTINGS_PATH", str(system))
    assert cli("setup", "gemini-cli", "--org", str(org))[0] == 0
    code, report, err = doctor(cli)
    assert no_network == [] and code == 0, err
    layers = by_id(report)["layers:gemini-cli"]
    assert layers["status"] == "ok" and str(system) in layers["detail"]  # `local` was never written
    assert [(s["server"], s["layer"]) for s in layers["data"]["servers"]] == [("docs", "user")]
    assert layers["data"]["managed_files"] == [{"key": "system-settings", "path": str(system), "status": "present"}]
