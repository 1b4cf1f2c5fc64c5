"""Assistants that moved their files or were renamed: aistack writes where the current version reads, takes its
own entries out of the old file (the user's stay), and says so; `setup roo-code` sets up Zoo Code and says why."""

from __future__ import annotations

import json
from pathlib import Path

from aistack.engine.apply import Change, apply_file
from aistack.paths import Env
from support import EXAMPLE_ORG

ORG = str(EXAMPLE_ORG)
OWNER = "{}@Example Corp"
STORAGE = Path(".config", "Code", "User", "globalStorage")
MINE = {"command": "my-server"}
OLD_DOCS = {"command": "/old/aistack", "args": ["mcp-bridge", "docs"]}


def written_by_an_earlier_aistack(path: Path, name: str) -> None:
    """The file as an earlier aistack left it: the user's server, and aistack's own entry recorded as its."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"mcpServers": {"mine": MINE}}, indent=2) + "\n")
    outcome = apply_file(Env.current(), path, "json", [Change(("mcpServers", "docs"), OLD_DOCS)], OWNER.format(name))
    assert outcome.ok and "docs" in json.loads(path.read_text())["mcpServers"]


def test_roo_code_is_an_alias_for_zoo_code_and_its_old_entries_move(cli, fake_home):
    roo = fake_home / STORAGE / "rooveterinaryinc.roo-cline" / "settings" / "mcp_settings.json"
    written_by_an_earlier_aistack(roo, "roo-code")
    code, _, err = cli("setup", "roo-code", "--org", ORG)
    assert code == 0, err
    assert "roo-code: Roo Code shut down on 2026-05-15; Zoo Code is its successor: setting up `zoo-code`" in err
    assert f"zoo-code: note: {roo}: Roo Code shut down" in err
    zoo = fake_home / STORAGE / "zoocodeorganization.zoo-code" / "settings" / "mcp_settings.json"
    assert json.loads(zoo.read_text())["mcpServers"]["docs"]["args"] == ["mcp-bridge", "docs"]
    assert json.loads(roo.read_text()) == {"mcpServers": {"mine": MINE}}  # the user's server stays
    code, _, err = cli("setup", "zoo-code")
    assert code == 0 and "No changes." in err and "note:" not in err  # said once, when it happened
    assert cli("setup", "roo-code", "--remove")[0] == 0
    assert not zoo.exists()
    assert json.loads(roo.read_text()) == {"mcpServers": {"mine": MINE}}


def test_kilo_code_7_file_gets_the_servers_and_the_v6_file_loses_only_aistacks(cli, fake_home):
    v6 = fake_home / STORAGE / "kilocode.kilo-code" / "settings" / "mcp_settings.json"
    written_by_an_earlier_aistack(v6, "kilo-code")
    code, _, err = cli("setup", "kilo-code", "--org", ORG)
    assert code == 0, err
    assert f"kilo-code: note: {v6}: Kilo Code 7 reads kilo.jsonc" in err
    config = json.loads((fake_home / ".config" / "kilo" / "kilo.jsonc").read_text())
    assert config["mcp"]["docs"]["url"].endswith("/mcp/docs") and "headers" not in config["mcp"]["docs"]  # the relay
    assert (fake_home / ".config" / "kilo" / "plugin" / "aistack.js").is_file()  # fresh tokens for its models
    assert config["provider"]["openai"]["options"]["baseURL"] == "https://ai.example.com/openai/v1"
    assert json.loads(v6.read_text()) == {"mcpServers": {"mine": MINE}}
    code, out, _ = cli("setup", "--list", "--json")
    row = next(r for r in json.loads(out) if r["assistant"] == "kilo-code")
    assert [f["former"] for f in row["files"] if f["key"] == "legacy"] == [True]
    assert "mine" in row["servers"] and "docs" in row["servers"]


def test_an_old_name_nobody_knows_is_still_refused(cli):
    code, _, err = cli("setup", "roo-cline", "--org", ORG)
    assert code == 2 and "unknown assistant 'roo-cline'" in err and "zoo-code" in err


def test_cline_writes_the_file_of_each_cline_that_is_here(cli, fake_home):
    extension = fake_home / STORAGE / "saoudrizwan.claude-dev" / "settings" / "cline_mcp_settings.json"
    cli_file = fake_home / ".cline" / "data" / "settings" / "cline_mcp_settings.json"
    (fake_home / ".cline").mkdir()  # only the CLI has run here
    assert cli("setup", "cline", "--org", ORG)[0] == 0
    assert json.loads(cli_file.read_text())["mcpServers"]["docs"]["timeout"] == 60
    assert not extension.exists()
    extension.parent.parent.mkdir(parents=True)  # the extension arrives
    assert cli("setup", "cline")[0] == 0
    assert json.loads(extension.read_text()) == json.loads(cli_file.read_text())


def test_amp_writes_settings_json_when_both_exist(cli, fake_home):
    conf = fake_home / ".config" / "amp"
    conf.mkdir(parents=True)
    (conf / "settings.jsonc").write_text("{\n  // mine\n}\n")
    assert cli("setup", "amp", "--org", ORG)[0] == 0
    assert "docs" in (conf / "settings.jsonc").read_text()  # the only one there: Amp reads it
    (conf / "settings.json").write_text("{}\n")
    assert cli("setup", "amp", "--remove")[0] == 0
    assert cli("setup", "amp", "--org", ORG)[0] == 0
    assert "docs" in json.loads((conf / "settings.json").read_text())["amp.mcpServers"]


def test_zoo_code_project_file_is_the_one_zoo_code_reads(cli, tmp_path):
    only_roo, fresh = tmp_path / "only-roo", tmp_path / "fresh"
    (only_roo / ".roo").mkdir(parents=True)
    (only_roo / ".roo" / "mcp.json").write_text('{"mcpServers": {"team": {"command": "t"}}}\n')
    fresh.mkdir()
    for project in (only_roo, fresh):
        code, _, err = cli("setup", "zoo-code", "--project", str(project), "--org", ORG)
        assert code == 0 and "keep the project's servers in one of them" in err, err
    assert set(json.loads((only_roo / ".roo" / "mcp.json").read_text())["mcpServers"]) >= {"team", "docs"}
    assert not (only_roo / ".zoo").exists()  # a .zoo/mcp.json would hide the team's .roo servers from Zoo Code
    assert "docs" in json.loads((fresh / ".zoo" / "mcp.json").read_text())["mcpServers"]


def test_every_assistant_says_how_it_is_verified(cli):
    code, out, _ = cli("setup", "--list", "--json")
    rows = json.loads(out)
    assert len(rows) == 20
    for row in rows:
        assert row["verified"] and row["verified"][0]["by"] in ("client", "schema", "docs"), row["assistant"]
    by_client = [r["assistant"] for r in rows if r["verified"][0]["by"] == "client"]
    assert len(by_client) >= 10, by_client
    code, out, _ = cli("setup", "--list")
    assert "verified: kilo 7.7.7" in out and "verified: docs 2026-11" in out
