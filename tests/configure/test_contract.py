"""The engine's contract, for every supported assistant: missing file, a file with the user's own content and
comments, idempotent, remove, same-name conflict, unparsable; and what aistack writes, validated against each
assistant's own published JSON schema where one exists (tests/schemas/, sources and dates in SOURCES)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aistack.assistants import registry
from aistack.engine.document import parse
from aistack.paths import Env
from support import EXAMPLE_ORG, backup_of

ORG = str(EXAMPLE_ORG)
NAMES = registry.names()
# Continue refuses a config.yaml without these (cn 1.5.47), so aistack writes only into one that exists.
CONTINUE_DEFAULT = "name: Local Config\nversion: 1.0.0\nschema: v1\n"

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
        text = f"# my config\n{CONTINUE_DEFAULT}mcpServers:\n  - name: mine  # mine\n    command: my-server\n"
    return text


def test_continue_is_not_given_a_config_it_would_refuse(cli, fake_home):
    code, _, err = cli("setup", "continue", "--org", ORG)
    assert code == 0 and "continue: skipped:" in err and "`name` and `version`" in err, err
    assert not (fake_home / ".continue").exists()


@pytest.mark.parametrize("name", NAMES)
def test_missing_file_idempotent_remove(cli, name, fake_home):
    _, cfg, servers_path = servers_file(name)
    path = Path(cfg.path)
    if name == "continue":  # the file Continue writes when it starts first; aistack then adds to it
        path.parent.mkdir(parents=True)
        path.write_text(CONTINUE_DEFAULT)
    code, _, err = cli("setup", name, "--org", ORG)
    assert code == 0, err
    doc = parse(cfg.fmt, path.read_text())
    assert "git" in str(doc.get(servers_path)), "the stdio server is written"
    before = {p: p.read_bytes() for p in path.parent.rglob("*") if p.is_file()}
    code, _, err = cli("setup", name)
    assert code == 0 and "No changes." in err
    assert before == {p: p.read_bytes() for p in path.parent.rglob("*") if p.is_file()}
    assert cli("setup", name, "--remove")[0] == 0
    if name == "continue":  # the user's file, as it was
        assert path.read_text() == CONTINUE_DEFAULT
        path.unlink()
        path.parent.rmdir()
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
    if name == "continue":  # aistack makes no config.yaml for it: only Continue does
        assert not Path(cfg.path).exists() and not adapter.detect(detection_env(Env.current()))
        return
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


SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
# (assistant, file key) -> its published schema
SCHEMA_OF = {
    ("claude-code", "settings"): "claude-code-settings.schema.json",
    ("codex", "config"): "codex-config.schema.json",
    ("gemini-cli", "settings"): "gemini-settings.schema.json",
    ("qwen-code", "settings"): "qwen-code-settings.schema.json",
    ("vscode", "mcp"): "vscode-mcp.schema.json",
    ("continue", "config"): "continue-config-yaml.schema.json",
}
# Keys the real client reads (its peer test shows it) that its published schema does not list yet: the client wins.
# Each must still be refused by the schema, so an entry goes stale loudly once the schema catches up.
KNOWN_LAGS = {
    ("codex", "config"): [("mcp_servers", "docs", "http_headers_helper"),  # tests/e2e/test_peer_codex.py
                          ("otel",)],  # the stored schema has no [otel]; codex 0.171.0 reads it: e2e/test_telemetry.py
    ("qwen-code", "settings"): [("modelProviders",), ("env",)],  # test_peer_gemini_qwen.py; test_long_sessions.py
}


def plain(fmt: str, text: str):
    if fmt == "toml":
        import tomllib

        return tomllib.loads(text)
    if fmt == "yaml":
        from ruamel.yaml import YAML

        return json.loads(json.dumps(YAML(typ="safe").load(text)))
    return parse(fmt, text).get(())


def errors(schema: dict, data) -> list[str]:
    import jsonschema

    validator = jsonschema.validators.validator_for(schema)(schema, format_checker=jsonschema.FormatChecker())
    return [f"{'.'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in validator.iter_errors(data)]


def drop(data, path):
    *parents, last = path
    for key in parents:
        data = data[key]
    data.pop(last)


def test_every_schema_verified_assistant_is_validated_here():
    claimed = {(n, v.what) for n in NAMES for v in registry.get(n).VERIFIED if v.by == "schema"}
    assert claimed == {(n, schema) for (n, _), schema in SCHEMA_OF.items()}
    sources = (SCHEMAS / "SOURCES").read_text()
    for schema in SCHEMA_OF.values():
        assert (SCHEMAS / schema).is_file() and f"\n{schema}\n" in sources, schema


@pytest.mark.parametrize(("name", "key"), list(SCHEMA_OF))
def test_what_aistack_writes_is_valid_for_the_assistants_schema(cli, name, key):
    cfg = registry.get(name).files(Env.current())[key]
    path = Path(cfg.path)
    if name == "continue":
        path.parent.mkdir(parents=True)
        path.write_text(CONTINUE_DEFAULT)
    code, _, err = cli("setup", name, "--org", ORG)
    assert code == 0, err
    schema = json.loads((SCHEMAS / SCHEMA_OF[name, key]).read_text())
    data = plain(cfg.fmt, path.read_text())
    assert data, f"{name}: aistack wrote {path}"
    for lag in KNOWN_LAGS.get((name, key), []):
        assert errors(schema, data), f"{name}: the schema now accepts {lag}: drop it from KNOWN_LAGS"
        drop(data, lag)
    assert errors(schema, data) == [], f"{name}: {path}"
