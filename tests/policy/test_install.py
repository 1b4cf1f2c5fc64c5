"""`aistack policy install`: through the engine (backup, atomic write, ownership), exact `--remove`, root only."""

from __future__ import annotations

import json
import os

import pytest

from aistack.errors import AistackError
from aistack.paths import Env
from aistack.policy import install as installing
from aistack.policy.install import install
from policy.test_render import profile

ADMIN = b"""{
    "permissions":   {"deny": ["Read(./.env)"]},
    "companyAnnouncements": ["the admin's own managed settings, laid out their way"],
    "env": {"HTTPS_PROXY": "http://proxy.corp:3128"}
}
"""


@pytest.fixture
def env(tmp_path):
    return Env(home=tmp_path / "home", environ={"AISTACK_DATA_DIR": str(tmp_path / "data")})


def test_round_trip_keeps_the_admins_file_byte_for_byte(tmp_path, env):
    root = tmp_path / "root"
    settings = root / "etc/claude-code/managed-settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_bytes(ADMIN)
    done = {(d.assistant, d.key): d.outcome for d in install(profile(), env, root=root, platform="linux")}
    assert all(o.ok for o in done.values()), [o.to_json() for o in done.values()]
    assert done[("claude-code", "managed-settings")].status == "changed"
    assert done[("claude-code", "managed-settings")].backup  # the admin's file, saved before the first change
    text = settings.read_text()
    assert "the admin's own managed settings" in text and "HTTPS_PROXY" in text and "allowManagedMcpServersOnly" in text
    for made in ("etc/claude-code/managed-mcp.json", "etc/codex/requirements.toml", "etc/gemini-cli/settings.json",
                 "etc/qwen-code/settings.json"):
        path = root / made
        assert path.exists()
        assert oct(path.stat().st_mode & 0o777) in ("0o644", "0o640", "0o600") and path.stat().st_mode & 0o044
    assert install(profile(), env, root=root, platform="linux")[0].outcome.status == "unchanged"  # idempotent

    removed = install(profile(), env, root=root, platform="linux", remove=True)
    assert all(d.outcome.ok for d in removed)
    assert settings.read_bytes() == ADMIN
    assert not (root / "etc/codex").exists() and not (root / "etc/gemini-cli").exists()
    assert not (root / "etc/claude-code/managed-mcp.json").exists()


def test_an_admins_own_entry_is_a_conflict_not_overwritten(tmp_path, env):
    root = tmp_path / "root"
    settings = root / "etc/gemini-cli/settings.json"
    settings.parent.mkdir(parents=True)
    original = json.dumps({"mcp": {"allowed": ["only-this"]}}).encode()
    settings.write_bytes(original)
    done = {d.assistant: d.outcome for d in install(profile(), env, root=root, platform="linux")}
    assert done["gemini-cli"].conflicts and json.loads(settings.read_bytes())["mcp"]["allowed"] == ["only-this"]
    install(profile(), env, root=root, platform="linux", remove=True)
    assert settings.read_bytes() == original


def test_a_file_that_does_not_parse_is_never_rewritten(tmp_path, env):
    root = tmp_path / "root"
    req = root / "etc/codex/requirements.toml"
    req.parent.mkdir(parents=True)
    req.write_bytes(b"[mcp_servers\nbroken = \n")
    done = {d.assistant: d.outcome for d in install(profile(), env, root=root, platform="linux")}
    assert done["codex"].status == "error" and "requirements.toml" in done["codex"].error
    assert req.read_bytes() == b"[mcp_servers\nbroken = \n"
    assert done["claude-code"].ok  # the other assistants still get theirs


def test_dry_run_writes_nothing(tmp_path, env):
    root = tmp_path / "root"
    done = install(profile(), env, root=root, platform="linux", dry_run=True)
    assert {d.outcome.status for d in done} == {"created"} and all(d.outcome.diff for d in done)
    assert not root.exists()


def test_refused_unless_root(env, monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(AistackError, match="only root") as err:
        install(profile(), env)
    assert err.value.exit_code == 1 and "sudo aistack policy install" in (err.value.hint or "")
    assert installing.target("/etc/codex/requirements.toml", None, "linux").as_posix() == "/etc/codex/requirements.toml"


def test_a_root_stands_for_the_file_systems_root_or_drive(tmp_path):
    assert installing.target("/etc/codex/requirements.toml", tmp_path, "linux") == tmp_path / "etc/codex/requirements.toml"
    assert installing.target("C:\\Program Files\\ClaudeCode\\managed-settings.json", tmp_path, "win32") == (
        tmp_path / "Program Files" / "ClaudeCode" / "managed-settings.json")


def test_the_commands(cli, tmp_path):
    org = tmp_path / "org.json"
    org.write_text(json.dumps({
        "schema": 1, "org": {"name": "Policy Corp"},
        "mcp_servers": [{"name": "docs", "url": "https://mcp.policy.example/docs"}],
        "policy": {"servers": "org-only"}}))
    code, out, _ = cli("policy", "render", "--org", str(org), "--out", str(tmp_path / "out"), "--platform", "linux")
    assert code == 0 and (tmp_path / "out/linux/etc/codex/requirements.toml").exists()
    assert not (tmp_path / "out/darwin").exists() and "## Windsurf" in out
    code, _, err = cli("policy", "render", "--org", str(org), "--platform", "beos")
    assert code == 2 and "--platform" in err
    root = tmp_path / "root"
    code, out, _ = cli("policy", "install", "--org", str(org), "--root", str(root))
    assert code == 0 and "claude-code managed-settings" in out and (root / "etc/claude-code/managed-mcp.json").exists()
    code, out, _ = cli("policy", "install", "--org", str(org), "--root", str(root), "--remove")
    assert code == 0 and not (root / "etc/claude-code").exists()
