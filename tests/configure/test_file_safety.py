"""`aistack setup` on hostile and unlucky file systems: FIFOs, symlink loops, dangling links, a read-only HOME,
killed runs' temp files, umask 000; where backups go; what --remove and --dry-run leave behind; one assistant's
failure staying that assistant's. Real files, links, FIFOs and processes throughout."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from support import EXAMPLE_ORG, backup_of, subprocess_env

ORG = str(EXAMPLE_ORG)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def tree(root: Path) -> dict[str, tuple[int, bytes | str | None]]:
    """Everything under root: each path's mode and its bytes (a link's target)."""
    out = {}
    for p in sorted(root.rglob("*")):
        content = os.readlink(p) if p.is_symlink() else p.read_bytes() if p.is_file() else None
        out[str(p.relative_to(root))] = (mode(p), content)
    return out


def run_aistack(*args: str, timeout: float = 60, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aistack", *args], env=subprocess_env(), capture_output=True,
                          text=True, timeout=timeout, **kwargs)


def test_a_fifo_is_never_opened(fake_home):
    """A FIFO where ~/.claude.json should be: reading it would block forever."""
    os.mkfifo(fake_home / ".claude.json")
    result = run_aistack("setup", "claude-code", "cursor", "--org", ORG, timeout=60)
    assert result.returncode == 1, result.stderr
    assert f"{fake_home / '.claude.json'} is a FIFO" in result.stderr and "Traceback" not in result.stderr
    assert stat.S_ISFIFO((fake_home / ".claude.json").lstat().st_mode), "left as it was"
    assert (fake_home / ".cursor" / "mcp.json").is_file(), "the other assistants still run"
    listed = run_aistack("setup", "--list", "--json", timeout=60)
    assert listed.returncode == 0, listed.stderr


def test_a_fifo_for_the_remembered_profile_is_never_opened(fake_home):
    config = Path(os.environ["AISTACK_CONFIG_DIR"])
    config.mkdir()
    os.mkfifo(config / "org.json")
    result = run_aistack("setup", "cursor", timeout=60)
    assert result.returncode == 1 and f"{config / 'org.json'} is a FIFO" in result.stderr, result.stderr
    result = run_aistack("setup", "cursor", "--org", ORG, timeout=60)
    assert result.returncode == 0, result.stderr
    assert (config / "org.json").is_file(), "remembered again, as a regular file"


@pytest.mark.parametrize("loop", ["self", "pair"])
def test_a_symlink_loop_is_reported_not_a_traceback(cli, fake_home, loop):
    state = fake_home / ".claude.json"
    if loop == "self":
        state.symlink_to(state)
    else:
        (fake_home / "a.json").symlink_to(state)
        state.symlink_to(fake_home / "a.json")
    code, _, err = cli("setup", "claude-code", "cursor", "--org", ORG)
    assert code == 1
    assert f"claude-code: {state}: error: {state} is a symlink loop" in err
    assert (fake_home / ".cursor" / "mcp.json").is_file()
    assert state.is_symlink()
    code, out, _ = cli("setup", "--list", "--json")
    assert code == 0
    files = {f["path"]: f for r in json.loads(out) for f in r["files"]}
    assert "symlink loop" in files[str(state)]["error"]
    assert cli("setup", "claude-code", "--remove")[0] == 1


def test_a_dangling_link_is_written_through_and_remove_keeps_the_link(cli, fake_home, tmp_path):
    """~/.claude.json -> dotfiles/claude.json, not yet there: setup creates the target; --remove deletes what
    it created (the target), and the user's link stays, dangling as it was."""
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    state = fake_home / ".claude.json"
    state.symlink_to(dotfiles / "claude.json")
    assert cli("setup", "claude-code", "--org", ORG)[0] == 0
    assert state.is_symlink() and "docs" in json.loads((dotfiles / "claude.json").read_text())["mcpServers"]
    assert list(dotfiles.iterdir()) == [dotfiles / "claude.json"], "no backup, no temp file in the dotfiles"
    code, _, err = cli("setup", "claude-code", "--remove")
    assert code == 0, err
    assert not (dotfiles / "claude.json").exists(), "aistack's servers are not left in the target"
    assert state.is_symlink() and os.readlink(state) == str(dotfiles / "claude.json"), "the user's link stays"


def test_a_link_into_a_missing_directory_creates_nothing(cli, fake_home, tmp_path):
    outside = tmp_path / "dotfiles" / "claude"
    state = fake_home / ".claude.json"
    state.symlink_to(outside / "claude.json")
    code, _, err = cli("setup", "claude-code", "cursor", "--org", ORG)
    assert code == 1
    assert f"{state} links to {outside / 'claude.json'}, whose directory does not exist" in err
    assert not (tmp_path / "dotfiles").exists(), "no directory created outside HOME"
    assert (fake_home / ".cursor" / "mcp.json").is_file()


def test_a_directory_link_that_dangles_is_not_created_through(cli, fake_home, tmp_path):
    (fake_home / ".cursor").symlink_to(tmp_path / "gone")
    code, _, err = cli("setup", "cursor", "--org", ORG)
    assert code == 1 and f"{fake_home / '.cursor'} is a symlink to nothing" in err
    assert not (tmp_path / "gone").exists()


def test_read_only_home_as_a_real_user(tmp_path):
    """A HOME (and aistack's data dir in it) the user cannot write: each file reported, no traceback."""
    if os.geteuid() == 0 and not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: no way to be a user a mode applies to")
    top = Path(tempfile.mkdtemp(prefix="aistack-ro-"))  # where another user can reach it
    try:
        os.chmod(top, 0o755)
        home = top / "home"
        (home / ".cursor").mkdir(parents=True)
        (home / ".cursor" / "mcp.json").write_text('{"mcpServers": {}}\n')
        shutil.copy(EXAMPLE_ORG, top / "org.toml")
        for p in (home, home / ".cursor"):
            os.chmod(p, 0o555)
        os.chmod(home / ".cursor" / "mcp.json", 0o444)
        env = subprocess_env(HOME=str(home), AISTACK_CONFIG_DIR=str(home / ".config" / "aistack"),
                             AISTACK_DATA_DIR=str(home / ".local" / "share" / "aistack"),
                             AISTACK_CACHE_DIR=str(home / ".cache" / "aistack"))
        cmd = [sys.executable, "-m", "aistack", "setup", "cursor", "claude-code", "--org", str(top / "org.toml")]
        if os.geteuid() == 0:
            cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
        result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
        assert "Traceback" not in result.stderr, result.stderr
        assert result.returncode == 1, result.stderr
        assert "cursor: " in result.stderr and "claude-code: " in result.stderr, result.stderr
        assert (home / ".cursor" / "mcp.json").read_text() == '{"mcpServers": {}}\n'
    finally:
        for p in (top / "home", top / "home" / ".cursor"):
            if p.exists():
                os.chmod(p, 0o755)
        shutil.rmtree(top)


def test_temp_files_of_killed_runs_are_cleaned(cli, fake_home):
    (fake_home / ".cursor").mkdir()
    cfg = fake_home / ".cursor" / "mcp.json"
    cfg.write_text('{"mcpServers": {}}\n')
    stale = [fake_home / ".cursor" / ".mcp.json.0a1b2c3d.aistack-tmp",  # this version's
             fake_home / ".cursor" / ".mcp.json.k3_x9qzv.tmp"]  # tempfile.mkstemp's, as earlier versions named it
    kept = [fake_home / ".cursor" / ".mcp.json.backup.tmp", fake_home / ".cursor" / "notes.aistack-tmp",
            fake_home / ".cursor" / ".other.json.0a1b2c3d.aistack-tmp"]
    for p in stale + kept:
        p.write_bytes(b"x" * 1000)
    assert cli("setup", "cursor", "--org", ORG)[0] == 0
    assert [p for p in stale if p.exists()] == []
    assert all(p.exists() for p in kept), "only this file's temp files, by their exact names"


def _umask_000():
    os.umask(0)


def test_every_mode_is_explicit_under_umask_000(fake_home, tmp_path):
    data = Path(os.environ["AISTACK_DATA_DIR"])
    (fake_home / ".gemini").mkdir(mode=0o755)
    os.chmod(fake_home / ".gemini", 0o755)
    (fake_home / ".gemini" / "settings.json").write_text('{"theme": "x"}\n')
    os.chmod(fake_home / ".gemini" / "settings.json", 0o640)
    result = run_aistack("setup", "cursor", "gemini-cli", "claude-code", "--org", ORG, preexec_fn=_umask_000)
    assert result.returncode == 0, result.stderr
    for d in (data, data / "owned", data / "locks", data / "backups"):
        assert mode(d) == 0o700, d
    own = [p for p in data.rglob("*") if p.is_file()]
    assert {p.parent.name for p in own} >= {"owned", "locks", "backups"}
    assert {str(p): mode(p) for p in own} == {str(p): 0o600 for p in own}
    assert mode(fake_home / ".cursor") == 0o700 and mode(fake_home / ".cursor" / "mcp.json") == 0o600
    assert mode(fake_home / ".claude") == 0o700 and mode(fake_home / ".claude.json") == 0o600
    assert mode(fake_home / ".gemini" / "settings.json") == 0o640, "an existing file keeps its mode"
    assert mode(Path(os.environ["AISTACK_CONFIG_DIR"]) / "org.json") == 0o600
    repo = tmp_path / "repo"
    repo.mkdir()
    result = run_aistack("setup", "--project", str(repo), "--org", ORG, preexec_fn=_umask_000)
    assert result.returncode == 0, result.stderr
    assert mode(repo / ".vscode") == 0o755 and mode(repo / ".vscode" / "mcp.json") == 0o644, "a team's files"


def test_a_data_dir_left_world_writable_is_tightened(cli, fake_home):
    data = Path(os.environ["AISTACK_DATA_DIR"])
    (data / "owned").mkdir(parents=True)
    for d in (data, data / "owned"):
        os.chmod(d, 0o777)  # as earlier versions made it under umask 000
    assert cli("setup", "cursor", "--org", ORG)[0] == 0
    assert mode(data) == 0o700 and mode(data / "owned") == 0o700


def test_backups_live_in_the_data_dir(cli, fake_home, tmp_path):
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    (dotfiles / "cursor.json").write_text('{"mcpServers": {}}\n')
    (fake_home / ".cursor").mkdir()
    (fake_home / ".cursor" / "mcp.json").symlink_to(dotfiles / "cursor.json")
    repo = tmp_path / "repo"
    (repo / ".vscode").mkdir(parents=True)
    (repo / ".vscode" / "mcp.json").write_text('{"servers": {}}\n')
    assert cli("setup", "cursor", "--org", ORG)[0] == 0
    assert cli("setup", "vscode", "--project", str(repo))[0] == 0
    assert sorted(p.name for p in dotfiles.iterdir()) == ["cursor.json"], "nothing beside the dotfile"
    assert sorted(p.name for p in (repo / ".vscode").iterdir()) == ["mcp.json"], "nothing in the work tree"
    backup = backup_of(dotfiles / "cursor.json")
    assert backup.parent == Path(os.environ["AISTACK_DATA_DIR"]) / "backups"
    assert str(dotfiles / "cursor.json").replace("/", "%2F") == backup.name, "named after the file's path"
    assert backup.read_text() == '{"mcpServers": {}}\n' and mode(backup) == 0o600
    assert backup_of(repo / ".vscode" / "mcp.json").read_text() == '{"servers": {}}\n'
    code, out, _ = cli("setup", "--list", "--json")
    files = {f["path"]: f for r in json.loads(out) for f in r["files"]}
    assert files[str(fake_home / ".cursor" / "mcp.json")]["backup"] == str(backup)
    assert "backup" not in files[str(fake_home / ".codex" / "config.toml")]


def test_the_first_backup_is_kept_across_remove_and_setup(cli, fake_home):
    cfg = fake_home / ".cursor" / "mcp.json"
    cfg.parent.mkdir()
    cfg.write_text('{"mcpServers": {}}\n')
    assert cli("setup", "cursor", "--org", ORG)[0] == 0
    assert cli("setup", "cursor", "--remove")[0] == 0
    cfg.write_text('{"mcpServers": {}, "later": 1}\n')
    assert cli("setup", "cursor")[0] == 0
    assert backup_of(cfg).read_text() == '{"mcpServers": {}}\n', "never overwritten"


def test_list_json_after_continue(cli, fake_home):
    config = fake_home / ".continue" / "config.yaml"  # Continue's own, which aistack only adds to
    config.parent.mkdir()
    config.write_text("name: Local Config\nversion: 1.0.0\nschema: v1\n")
    assert cli("setup", "continue", "--org", ORG)[0] == 0
    code, out, err = cli("setup", "--list", "--json")
    assert code == 0, err
    row = next(r for r in json.loads(out) if r["assistant"] == "continue")
    assert sorted(row["managed"]) == ["docs", "git", "tickets"] or sorted(row["managed"]) == sorted(row["servers"])
    assert row["managed"] and set(row["managed"]) <= set(row["servers"])


def test_windsurf_and_devin_share_a_file_and_either_removes(cli, fake_home):
    """Without its own directory Devin reads Windsurf's file: after --all both own the same entries."""
    cfg = fake_home / ".codeium" / "windsurf" / "mcp_config.json"
    assert cli("setup", "--all", "--org", ORG)[0] == 0
    assert "docs" in json.loads(cfg.read_text())["mcpServers"]
    code, _, err = cli("setup", "windsurf", "--remove")
    assert code == 0, err
    assert not cfg.exists(), err
    assert cli("setup", "devin", "windsurf")[0] == 0
    assert cli("setup", "devin", "--remove")[0] == 0
    assert not cfg.exists()


def test_a_server_dropped_from_the_profile_stays_while_a_sharing_assistant_wants_it(cli, fake_home, tmp_path):
    cfg = fake_home / ".codeium" / "windsurf" / "mcp_config.json"
    assert cli("setup", "windsurf", "devin", "--org", ORG)[0] == 0
    smaller = tmp_path / "smaller.toml"
    smaller.write_text(EXAMPLE_ORG.read_text().replace('name = "docs"', 'name = "wiki"'))
    assert cli("setup", "windsurf", "--org", str(smaller))[0] == 0
    assert {"docs", "wiki"} <= set(json.loads(cfg.read_text())["mcpServers"]), "Devin's docs stays"
    assert cli("setup", "devin")[0] == 0
    assert "docs" not in json.loads(cfg.read_text())["mcpServers"], "wanted by no one: gone"
    assert cli("setup", "windsurf", "devin")[0] == 0 and cli("setup", "windsurf", "--remove")[0] == 0
    assert not cfg.exists()


def test_remove_deletes_the_directories_aistack_made_and_only_those(cli, fake_home, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "no-commands"))
    (fake_home / ".config").mkdir()  # the user's, empty: aistack makes directories under it
    os.chmod(fake_home / ".config", 0o751)
    before = tree(fake_home)
    assert cli("setup", "--all", "--org", ORG)[0] == 0
    (fake_home / ".codex" / "notes.txt").write_text("mine")  # the user's file in a directory aistack made
    code, out, _ = cli("setup", "--list", "--json")
    detected = [r["assistant"] for r in json.loads(out) if r["detected"]]
    assert detected == ["codex"], "only what is more than aistack's own files"
    code, _, err = cli("setup", "--all", "--remove")
    assert code == 0, err
    after = tree(fake_home)
    assert after == {**before, ".codex": after[".codex"], ".codex/notes.txt": (mode(fake_home / ".codex/notes.txt"),
                                                                                b"mine")}
    code, out, _ = cli("setup", "--list", "--json")
    assert [r["assistant"] for r in json.loads(out) if r["detected"]] == ["codex"]
    code, _, err = cli("setup")
    assert code == 0 and "codex" in err and "cursor" not in err, "plain setup: only an assistant found here"


def test_a_directory_that_holds_more_than_aistacks_file_stays(cli, fake_home):
    assert cli("setup", "cursor", "gemini-cli", "--org", ORG)[0] == 0
    shutil.rmtree(fake_home / ".cursor")
    (fake_home / ".cursor").mkdir()  # Cursor's own, made after aistack's went
    (fake_home / ".cursor" / "argv.json").write_text("{}")
    (fake_home / ".gemini" / "oauth_creds.json").write_text("{}")  # Gemini CLI, signed in meanwhile
    assert cli("setup", "cursor", "gemini-cli", "--remove")[0] == 0
    assert (fake_home / ".cursor" / "argv.json").is_file()
    assert sorted(p.name for p in (fake_home / ".gemini").iterdir()) == ["oauth_creds.json"]


def test_dry_run_writes_nothing_anywhere(cli, fake_home, tmp_path):
    (fake_home / ".cursor").mkdir()
    (fake_home / ".cursor" / "mcp.json").write_text('{"mcpServers": {}}\n')
    before = tree(tmp_path)
    code, out, err = cli("setup", "--all", "--org", ORG, "--dry-run")
    assert code == 0, err
    assert "+++ " in out
    assert tree(tmp_path) == before, "no remembered profile, no record, no lock, no backup, no directory"
    assert cli("setup", "cursor", "--org", ORG)[0] == 0
    before = tree(tmp_path)
    code, out, err = cli("setup", "--all", "--remove", "--dry-run")
    assert code == 0 and "-    \"docs\"" in out or '"docs"' in out, out
    assert tree(tmp_path) == before


def test_an_unexpected_error_is_that_assistants_alone(cli, fake_home, monkeypatch):
    """A bug in one format's editor (injected: an unforeseen error cannot be found on purpose) costs only the
    assistants whose files it edits; --debug shows it whole."""
    from aistack.engine import tomldoc

    def broken(self, path, value):
        raise RuntimeError("an unforeseen case")

    monkeypatch.setattr(tomldoc.TomlDocument, "set", broken)
    code, _, err = cli("setup", "codex", "cursor", "gemini-cli", "--org", ORG)
    assert code == 1
    lines = [line for line in err.splitlines() if line.startswith("codex: ") and "error" in line]
    assert len(lines) == 1 and "unexpected error (RuntimeError: an unforeseen case)" in lines[0], err
    assert "Traceback" not in err
    assert (fake_home / ".cursor" / "mcp.json").is_file() and (fake_home / ".gemini" / "settings.json").is_file()
    assert not (fake_home / ".codex" / "config.toml").exists()
    monkeypatch.setenv("AISTACK_DEBUG", "1")  # what --debug sets
    code, _, err = cli("setup", "codex", "cursor", "--org", ORG)
    assert code == 1 and "Traceback" in err and "RuntimeError: an unforeseen case" in err


def test_an_adapter_that_fails_to_plan_is_reported(cli, fake_home, monkeypatch):
    from aistack.assistants import zed

    monkeypatch.setattr(zed, "plan", lambda profile, ctx: 1 / 0)
    code, _, err = cli("setup", "zed", "cursor", "--org", ORG)
    assert code == 1 and "zed: error: unexpected error (ZeroDivisionError" in err
    assert (fake_home / ".cursor" / "mcp.json").is_file()
    code, out, _ = cli("setup", "zed", "--json")
    assert "unexpected error" in json.loads(out)["assistants"][0]["error"]
