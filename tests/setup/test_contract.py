"""The engine's contract, for every supported assistant: missing file, a file with the user's own content and
comments, idempotent, remove, same-name conflict, unparsable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aistack.assistants import registry
from aistack.engine.document import parse
from aistack.paths import Env
from conftest import EXAMPLE_ORG, backup_of

ORG = str(EXAMPLE_ORG)
NAMES = registry.names()

# A user's own file per format: their own server, comments where the format has them.
USER_FILES = {
    "json": '{\n    "theme": "dark",\n    "SERVERS": {\n        "mine": {"command": "my-server"}\n    }\n}\n',
    "jsonc": '{\n  // my settings\n  "theme": "dark", /* keep */\n  "SERVERS": {\n    "mine": {"command": "my-server"}\n'
             '  }\n}\n',
    "toml": '# my config\nmodel = "o4"\n\n[SERVERS.mine]\ncommand = "my-server"  # mine\n',
    "yaml": '# my config\ntheme: dark\nSERVERS:\n  mine:\n    cmd: my-server  # mine\n',
}
BROKEN = {"json": '{"theme": "dark",,}\n', "jsonc": '{\n  "a": [1, 2\n}\n', "toml": 'model = \n[x\n',
          "yaml": "a: [1, 2\nb: : :\n"}


def servers_file(name: str):
    adapter = registry.get(name)
    files = adapter.files(Env.current())
    key = next(iter(adapter.SERVERS))
    return adapter, files[key], adapter.SERVERS[key]


def user_text(name: str) -> str:
    adapter, cfg, servers_path = servers_file(name)
    text = USER_FILES[cfg.fmt].replace("SERVERS", servers_path[0])
    if name == "continue":  # a list of named entries
        text = "# my config\ntheme: dark\nmcpServers:\n  - name: mine  # mine\n    command: my-server\n"
    return text


@pytest.mark.parametrize("name", NAMES)
def test_missing_file_idempotent_remove(cli, name, fake_home):
    _, cfg, servers_path = servers_file(name)
    path = Path(cfg.path)
    code, _, err = cli("setup", name, "--org", ORG)
    assert code == 0, err
    doc = parse(cfg.fmt, path.read_text())
    assert "git" in str(doc.get(servers_path)), "the stdio server is written"
    before = {p: p.read_bytes() for p in path.parent.rglob("*") if p.is_file()}
    code, _, err = cli("setup", name)
    assert code == 0 and "No changes." in err
    assert before == {p: p.read_bytes() for p in path.parent.rglob("*") if p.is_file()}
    assert cli("setup", name, "--remove")[0] == 0
    assert not path.exists()
    left = list(fake_home.rglob("*"))
    assert left == [], f"{name}: every file and directory aistack created is gone"


@pytest.mark.parametrize("name", NAMES)
def test_what_aistack_made_is_not_the_assistant(cli, name, fake_home, tmp_path, monkeypatch):
    """Detection finds the assistant itself, never the directories and files aistack made for it."""
    from aistack.configure import detection_env

    monkeypatch.setenv("PATH", str(tmp_path / "no-commands"))
    adapter, cfg, _ = servers_file(name)
    assert cli("setup", name, "--org", ORG)[0] == 0
    assert Path(cfg.path).is_file()
    assert not adapter.detect(detection_env(Env.current())), f"{name}: aistack's own file taken for the assistant"
    if name in ("claude-code", "devin"):  # ~/.claude.json sits in HOME; Devin borrows Windsurf's file
        return
    (Path(cfg.path).parent / "its-own-state").write_text("{}")  # the assistant, run once, writes beside it
    assert adapter.detect(detection_env(Env.current())), name


@pytest.mark.parametrize("name", NAMES)
def test_users_file_kept_byte_for_byte(cli, name):
    _, cfg, servers_path = servers_file(name)
    path = Path(cfg.path)
    path.parent.mkdir(parents=True, exist_ok=True)
    original = user_text(name)
    path.write_text(original)
    code, _, err = cli("setup", name, "--org", ORG)
    assert code == 0, err
    after = path.read_text()
    for line in original.splitlines():
        assert line in after, f"{name}: lost {line!r}"
    assert cli("setup", name, "--remove")[0] == 0
    assert path.read_text() == original


@pytest.mark.parametrize("name", NAMES)
def test_same_name_conflict(cli, name):
    _, cfg, servers_path = servers_file(name)
    path = Path(cfg.path)
    path.parent.mkdir(parents=True, exist_ok=True)
    original = user_text(name).replace("mine", "git")
    path.write_text(original)
    code, _, err = cli("setup", name, "--org", ORG)
    assert code == 1 and "conflict" in err and "git" in err, err
    doc = parse(cfg.fmt, path.read_text())
    assert "my-server" in json.dumps(doc.get(servers_path)), "the user's entry is untouched"


@pytest.mark.parametrize("name", NAMES)
def test_unparsable_file_untouched(cli, name):
    _, cfg, _ = servers_file(name)
    path = Path(cfg.path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(BROKEN[cfg.fmt])
    code, _, err = cli("setup", name, "--org", ORG)
    assert code == 1 and f"{path}:" in err, err
    assert path.read_text() == BROKEN[cfg.fmt]
    assert not backup_of(path).exists() and not list(path.parent.glob("*.aistack*"))
