"""The engine's guarantees, end to end through `aistack setup`, on real files in a fake HOME."""

import json
import stat
import subprocess
import sys
import tomllib

import pytest

from support import EXAMPLE_ORG, backup_of, subprocess_env

ORG = str(EXAMPLE_ORG)


@pytest.fixture
def home(fake_home):
    return fake_home


def relay_url(path: str) -> str:
    from aistack.paths import Env
    from aistack.relay import local

    return local.base_url(local.port(Env.current())) + path


def cursor_file(home):
    return home / ".cursor" / "mcp.json"


def gemini_file(home):
    return home / ".gemini" / "settings.json"


def test_dry_run_writes_nothing(cli, home):
    code, out, err = cli("setup", "--all", "--org", ORG, "--dry-run")
    assert code == 0, err
    assert "+++ " + str(cursor_file(home)) in out
    assert f'"serverUrl": "{relay_url("/mcp/docs")}"' in out
    assert not any(home.rglob("*.json")) and not any(home.rglob("*.toml"))
    assert "would create" in err


def test_create_idempotent_remove(cli, home):
    code, _, err = cli("setup", "cursor", "--org", ORG)
    assert code == 0, err
    data = json.loads(cursor_file(home).read_text())
    assert set(data["mcpServers"]) == {"docs", "tickets", "git"}
    first = cursor_file(home).read_bytes()
    code, _, err = cli("setup", "cursor")  # the org is remembered
    assert code == 0 and "No changes." in err
    assert cursor_file(home).read_bytes() == first
    code, _, err = cli("setup", "cursor", "--remove")
    assert code == 0, err
    assert not cursor_file(home).exists(), "a file aistack created and that holds nothing else is deleted"


GEMINI_WITH_COMMENTS = """{
  // my theme
  "theme": "GitHub",   /* keep me */
  "mcpServers": {
    "mine": { "command": "my-server", "args": ["--fast"] }, // trailing comma next
  },
  "general": { "vimMode": true }
}
"""


@pytest.mark.parametrize("framing", ["lf", "crlf", "bom-crlf"])
def test_user_bytes_survive_setup_and_remove(cli, home, framing):
    text = GEMINI_WITH_COMMENTS
    if "crlf" in framing:
        text = text.replace("\n", "\r\n")
    raw = text.encode()
    if framing.startswith("bom"):
        raw = b"\xef\xbb\xbf" + raw
    gemini_file(home).parent.mkdir()
    gemini_file(home).write_bytes(raw)
    code, _, err = cli("setup", "gemini-cli", "--org", ORG)
    assert code == 0, err
    after = gemini_file(home).read_bytes()
    assert after.startswith(raw[: raw.index(b'"mine"')]), "everything before the edit is untouched"
    assert b"// my theme" in after and b"/* keep me */" in after
    assert after.startswith(b"\xef\xbb\xbf") == framing.startswith("bom")
    if "crlf" in framing:
        assert after.count(b"\n") == after.count(b"\r\n")
    assert b'"docs"' in after and relay_url("/mcp/docs").encode() in after and b"AISTACK_TOKEN" not in after
    backup = backup_of(gemini_file(home))
    assert backup.read_bytes() == raw
    code, _, err = cli("setup", "gemini-cli", "--remove")
    assert code == 0, err
    assert gemini_file(home).read_bytes() == raw


def test_unparsable_file_is_never_rewritten_others_proceed(cli, home):
    gemini_file(home).parent.mkdir()
    broken = b'{\n  "theme": "x",\n  "mcpServers": {\n}\n'
    gemini_file(home).write_bytes(broken)
    code, _, err = cli("setup", "gemini-cli", "cursor", "--org", ORG)
    assert code == 1
    assert f"{gemini_file(home)}:5:1" in err or f"{gemini_file(home)}:4:2" in err, err
    assert gemini_file(home).read_bytes() == broken
    assert not backup_of(gemini_file(home)).exists()
    assert cursor_file(home).exists(), "the other assistants proceed"


@pytest.mark.parametrize("content", [b"", b"\n", b"  \n\n"])
def test_blank_file_is_filled_and_restored(cli, home, content):
    cursor_file(home).parent.mkdir()
    cursor_file(home).write_bytes(content)
    assert cli("setup", "cursor", "--org", ORG)[0] == 0
    assert "docs" in json.loads(cursor_file(home).read_text())["mcpServers"]
    assert cli("setup", "cursor", "--remove")[0] == 0
    assert cursor_file(home).read_bytes() == content


def test_directory_where_file_should_be(cli, home):
    cursor_file(home).mkdir(parents=True)
    code, _, err = cli("setup", "cursor", "windsurf", "--org", ORG)
    assert code == 1 and "is a directory" in err
    assert (home / ".codeium" / "windsurf" / "mcp_config.json").exists()


def test_read_only_file_untouched(cli, home):
    cursor_file(home).parent.mkdir()
    cursor_file(home).write_text("{}\n")
    cursor_file(home).chmod(0o444)
    code, _, err = cli("setup", "cursor", "--org", ORG)
    assert code == 1 and "read-only" in err
    assert cursor_file(home).read_text() == "{}\n"


def test_read_only_directory(cli, home):
    d = home / ".cursor"
    d.mkdir()
    d.chmod(0o555)
    try:
        code, _, err = cli("setup", "cursor", "--org", ORG)
        assert code == 1 and "read-only" in err
        assert not (d / "mcp.json").exists()
    finally:
        d.chmod(0o755)


def test_symlinked_config_is_written_through(cli, home, tmp_path):
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "cursor-mcp.json"
    real.write_text('{\n  "mcpServers": {}\n}\n')
    cursor_file(home).parent.mkdir()
    cursor_file(home).symlink_to(real)
    assert cli("setup", "cursor", "--org", ORG)[0] == 0
    assert cursor_file(home).is_symlink()
    assert "docs" in json.loads(real.read_text())["mcpServers"]


def test_mode_is_kept_and_backup_never_overwritten(cli, home, tmp_path):
    cursor_file(home).parent.mkdir()
    cursor_file(home).write_text('{"mcpServers": {}}\n')
    cursor_file(home).chmod(0o600)
    assert cli("setup", "cursor", "--org", ORG)[0] == 0
    assert stat.S_IMODE(cursor_file(home).stat().st_mode) == 0o600
    backup = backup_of(cursor_file(home))
    assert backup.read_text() == '{"mcpServers": {}}\n'
    other = tmp_path / "other.toml"
    other.write_text(EXAMPLE_ORG.read_text().replace('name = "docs"', 'name = "docs2"'))
    assert cli("setup", "cursor", "--org", str(other))[0] == 0
    assert backup.read_text() == '{"mcpServers": {}}\n'


def test_same_name_user_entry_is_a_conflict_then_force_then_remove(cli, home):
    cursor_file(home).parent.mkdir()
    mine = {"mcpServers": {"docs": {"command": "my-docs", "args": []}}}
    cursor_file(home).write_text(json.dumps(mine, indent=2) + "\n")
    code, _, err = cli("setup", "cursor", "--org", ORG)
    assert code == 1 and "conflict" in err and "mcpServers.docs" in err
    data = json.loads(cursor_file(home).read_text())
    assert data["mcpServers"]["docs"] == {"command": "my-docs", "args": []}
    assert "git" in data["mcpServers"], "the rest is still written"
    code, _, err = cli("setup", "cursor", "--force")
    assert code == 0, err
    docs = json.loads(cursor_file(home).read_text())["mcpServers"]["docs"]
    assert docs == {"url": relay_url("/mcp/docs")}
    assert "command" not in docs, "replaced whole, never merged"
    assert cli("setup", "cursor", "--remove")[0] == 0
    assert json.loads(cursor_file(home).read_text()) == mine


def test_own_entry_edited_by_user_is_not_overwritten(cli, home):
    assert cli("setup", "cursor", "--org", ORG)[0] == 0
    data = json.loads(cursor_file(home).read_text())
    data["mcpServers"]["docs"]["url"] = "https://elsewhere.example/mcp"
    cursor_file(home).write_text(json.dumps(data, indent=2))
    code, _, err = cli("setup", "cursor")
    assert code == 1 and "changed since aistack wrote it" in err
    code, _, err = cli("setup", "cursor", "--remove")
    assert code == 1
    assert json.loads(cursor_file(home).read_text())["mcpServers"]["docs"]["url"] == "https://elsewhere.example/mcp"


def test_changed_kind_replaces_whole_and_stale_entries_go(cli, home, tmp_path):
    assert cli("setup", "cursor", "codex", "--org", ORG)[0] == 0
    changed = tmp_path / "org2.toml"
    text = EXAMPLE_ORG.read_text()
    text = text.replace('name = "git"\ncommand = "uvx"\nargs = ["mcp-server-git"]\nenv = {}',
                        'name = "git"\nurl = "https://mcp.example.com/git/mcp"')
    text = text.replace('[[mcp_servers]]\nname = "docs"\nurl = "https://mcp.example.com/docs/mcp"\ntransport = "http"\nauth = "token"\n', "")
    changed.write_text(text)
    assert cli("setup", "cursor", "codex", "--org", str(changed))[0] == 0
    servers = json.loads(cursor_file(home).read_text())["mcpServers"]
    assert "docs" not in servers
    assert servers["git"] == {"url": "https://mcp.example.com/git/mcp"}
    codex = tomllib.loads((home / ".codex" / "config.toml").read_text())
    assert codex["mcp_servers"]["git"] == {"url": "https://mcp.example.com/git/mcp"}, "no command+url hybrid"


def test_unknown_assistant_is_usage_error(cli):
    code, _, err = cli("setup", "notepad", "--org", ORG)
    assert code == 2 and "notepad" in err and "claude-code" in err


def test_json_result(cli, home):
    code, out, _ = cli("setup", "cursor", "codex", "--org", ORG, "--json")
    assert code == 0
    data = json.loads(out)
    assert [a["assistant"] for a in data["assistants"]] == ["cursor", "codex"]
    codex = data["assistants"][1]
    assert codex["files"][0]["status"] == "created"
    assert any("SSE" in s for s in codex["skipped"])


def test_list(cli, home):
    (home / ".cursor" / "extensions").mkdir(parents=True)  # Cursor's own
    assert cli("setup", "cursor", "--org", ORG)[0] == 0
    code, out, _ = cli("setup", "--list", "--json")
    rows = {r["assistant"]: r for r in json.loads(out)}
    assert len(rows) >= 6
    assert rows["cursor"]["detected"] is True
    assert sorted(rows["cursor"]["managed"]) == ["docs", "git", "tickets"]
    assert rows["codex"]["files"][0]["exists"] is False
    code, out, _ = cli("setup", "--list")
    assert code == 0 and "docs*" in out and str(cursor_file(home)) in out


def test_nothing_detected(cli, home):
    code, _, err = cli("setup", "--org", ORG)
    assert code == 1 and "--all" in err


def test_no_token_in_any_file(cli, home, monkeypatch, tmp_path):
    secret = "eyJhbGciOiJSUzI1NiJ9.sekret-token-value.sig"
    monkeypatch.setenv("AISTACK_TOKEN", secret)
    assert cli("setup", "--all", "--org", ORG)[0] == 0
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path


def test_concurrent_runs_keep_both(home, tmp_path):
    """Two runs for two orgs at once: per-file locks make both land in one valid file."""
    other = tmp_path / "other.toml"
    other.write_text(EXAMPLE_ORG.read_text().replace("Example Corp", "Other Corp")
                     .replace('name = "docs"', 'name = "wiki"').replace('name = "git"', 'name = "git2"')
                     .replace('name = "tickets"', 'name = "jira"'))
    env = subprocess_env()
    procs = []
    for org, cfg in ((ORG, tmp_path / "c1"), (str(other), tmp_path / "c2")):
        e = dict(env, AISTACK_CONFIG_DIR=str(cfg))
        procs.append(subprocess.Popen([sys.executable, "-m", "aistack", "setup", "cursor", "--org", org], env=e,
                                      stderr=subprocess.PIPE))
    for p in procs:
        assert p.wait(60) == 0, p.stderr.read()
    servers = json.loads(cursor_file(home).read_text())["mcpServers"]
    assert set(servers) == {"docs", "tickets", "git", "wiki", "jira", "git2"}


def test_big_config_file(cli, home):
    cursor_file(home).parent.mkdir()
    big = {"mcpServers": {f"user-{i}": {"command": "srv", "args": ["x" * 80, str(i)]} for i in range(60000)}}
    raw = json.dumps(big, indent=2).encode()
    assert len(raw) > 10_000_000
    cursor_file(home).write_bytes(raw)
    assert cli("setup", "cursor", "--org", ORG)[0] == 0
    after = cursor_file(home).read_bytes()
    assert json.loads(after)["mcpServers"]["docs"]["url"] == relay_url("/mcp/docs")
    assert cli("setup", "cursor", "--remove")[0] == 0
    assert cursor_file(home).read_bytes() == raw
