"""`aistack org build`: the published files, their content, that no secret is in them, that aistack's own loader
reads the published profile back from a web server, and how `--out` is written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from aistack.org.build import SERVER_SCHEMA, build
from aistack.org.write import MANIFEST, write
from aistack.profile import load, parse_text
from support.http import Reply

PROFILE = """schema = 1
[org]
name = "Acme"
[auth]
issuer = "https://idp.acme.example"
client_id = "aistack"
[gateway]
url = "https://ai.acme.example"
token_header = "x-acme-token"
[[mcp_servers]]
name = "docs"
url = "https://mcp.acme.example/docs/mcp"
auth = "token"
headers = { "X-Team" = "platform" }
[[mcp_servers]]
name = "tickets"
url = "https://mcp.acme.example/tickets/sse"
transport = "sse"
[[mcp_servers]]
name = "git"
command = "uvx"
args = ["mcp-server-git"]
"""


def profile(tmp_path: Path, text: str = PROFILE):
    path = tmp_path / "org.toml"
    path.write_text(text, encoding="utf-8")
    return load(str(path))


def aistack(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aistack", *args], capture_output=True, text=True, timeout=60,
                          **kwargs)


def test_the_files_a_platform_team_publishes(tmp_path):
    files = build(profile(tmp_path), url="https://acme.example")
    assert set(files) == {
        ".well-known/aistack", ".well-known/opencode",
        "servers/docs/server.json", "servers/tickets/server.json",
        "v0.1/servers/index.json",
        *(f"v0.1/servers/example.acme/{n}/versions/{v}" for n in ("docs", "tickets")
          for v in ("index.json", "latest/index.json", "1.0.0/index.json")),
    }
    listing = json.loads(files["v0.1/servers/index.json"])
    assert listing["metadata"] == {"count": 2}
    assert [e["server"]["name"] for e in listing["servers"]] == ["example.acme/docs", "example.acme/tickets"]
    docs = json.loads(files["servers/docs/server.json"])
    assert docs["$schema"] == SERVER_SCHEMA and docs["version"] == "1.0.0" and len(docs["description"]) <= 100
    [remote] = docs["remotes"]
    assert remote["type"] == "streamable-http" and remote["url"] == "https://mcp.acme.example/docs/mcp"
    # the token header is declared required and secret, without a value; the static header keeps its value
    assert {"name": "X-Team", "value": "platform", "isRequired": True, "isSecret": False} in remote["headers"]
    [token] = [h for h in remote["headers"] if h["name"] == "x-acme-token"]
    assert token["isSecret"] is True and token["isRequired"] is True and "value" not in token
    tickets = json.loads(files["servers/tickets/server.json"])
    assert tickets["remotes"] == [{"type": "sse", "url": "https://mcp.acme.example/tickets/sse"}]
    latest = json.loads(files["v0.1/servers/example.acme/docs/versions/latest/index.json"])
    assert latest["server"] == docs and latest["_meta"]["io.modelcontextprotocol.registry/official"]["isLatest"]


def test_opencode_document_runs_aistack_token_and_needs_no_stored_token(tmp_path):
    doc = json.loads(build(profile(tmp_path))[".well-known/opencode"])
    assert doc["auth"] == {"command": ["aistack", "token"], "env": "AISTACK_OPENCODE_TOKEN"}
    mcp = doc["config"]["mcp"]
    assert mcp["docs"] == {"type": "local", "command": ["aistack", "mcp-bridge", "docs"], "enabled": True}
    assert mcp["tickets"]["url"] == "https://mcp.acme.example/tickets/sse"
    assert mcp["git"]["command"] == ["uvx", "mcp-server-git"]
    assert "AISTACK_OPENCODE_TOKEN" not in json.dumps(doc["config"])  # the login-time token is never used


def test_no_file_holds_a_secret(tmp_path, monkeypatch):
    secret = "tok-" + "s3cr3t" * 6
    monkeypatch.setenv("AISTACK_TOKEN", secret)
    for rel, data in build(profile(tmp_path), url="https://acme.example").items():
        assert secret.encode() not in data, rel
        assert b"Bearer " not in data.replace(b"Bearer <token>", b""), rel


def test_published_profile_round_trips_through_aistacks_loader_over_http(tmp_path, serve):
    out = tmp_path / "site"
    write(build(profile(tmp_path), url="https://acme.example"), out)
    site = serve(lambda seen: Reply(200, (out / seen.path.lstrip("/")).read_bytes())
                 if (out / seen.path.lstrip("/")).is_file() else Reply(404, {}), token=None)
    served = load(site.url)
    assert served.source == site.url + "/.well-known/aistack"
    assert served.raw == profile(tmp_path).raw and served.org_name == "Acme"
    assert [s.name for s in served.mcp_servers] == ["docs", "tickets", "git"]


def test_a_template_file_is_published_beside_the_profile_and_named_by_its_url(tmp_path):
    (tmp_path / "agents.md.j2").write_text("# {{ org }}\n", encoding="utf-8")
    p = profile(tmp_path, PROFILE + '[templates]\nagents_md = "agents.md.j2"\n')
    files = build(p, url="https://acme.example")
    assert files["templates/agents.md.j2"] == b"# {{ org }}\n"
    published = json.loads(files[".well-known/aistack"])
    assert published["templates"]["agents_md"] == "https://acme.example/templates/agents.md.j2"
    parse_text(files[".well-known/aistack"].decode(), "https://acme.example/.well-known/aistack", "json")


def test_cli_writes_says_what_and_refuses_a_file_it_did_not_write(tmp_path):
    org = tmp_path / "org.toml"
    org.write_text(PROFILE, encoding="utf-8")
    out = tmp_path / "site"
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "AISTACK_CONFIG_DIR": str(tmp_path / "cfg")}
    first = aistack("org", "build", "--org", str(org), "--out", str(out), env=env)
    assert first.returncode == 0, first.stderr
    assert f"wrote      {out / '.well-known/aistack'}" in first.stdout
    assert "stdio server 'git' is not in the registry" in first.stderr
    again = aistack("org", "build", "--org", str(org), "--out", str(out), env=env)
    assert again.returncode == 0 and "wrote" not in again.stdout and "unchanged" in again.stdout
    # someone else's file where aistack would write: left alone, exit 1, replaced only with --force
    (out / ".well-known" / "opencode").write_text('{"mine": true}\n', encoding="utf-8")
    refused = aistack("org", "build", "--org", str(org), "--out", str(out), env=env)
    assert refused.returncode == 1 and ".well-known/opencode was not written by aistack" in refused.stderr
    assert (out / ".well-known" / "opencode").read_text() == '{"mine": true}\n'
    forced = aistack("org", "build", "--org", str(org), "--out", str(out), "--force", env=env)
    assert forced.returncode == 0 and "opencode" in forced.stdout
    assert json.loads((out / ".well-known" / "opencode").read_text())["auth"]["command"] == ["aistack", "token"]
    # a server dropped from the profile: its files go, the empty directories too
    org.write_text(PROFILE.replace('[[mcp_servers]]\nname = "tickets"', '[[mcp_servers]]\nname = "tix"'),
                   encoding="utf-8")
    moved = aistack("org", "build", "--org", str(org), "--out", str(out), env=env)
    assert moved.returncode == 0 and f"removed    {out / 'servers/tickets/server.json'}" in moved.stdout
    assert not (out / "servers" / "tickets").exists() and (out / "servers" / "tix" / "server.json").is_file()
    assert json.loads((out / MANIFEST).read_text())["written_by"] == "aistack org build"


@pytest.mark.parametrize("args, code, message", [
    (["--out", "OUT", "--org", "MISSING.toml"], 2, "no such file"),
    (["--out", "OUT", "--org", "BAD.toml"], 1, "not valid TOML"),
    (["--out", "OUT", "--org", "ORG", "--url", "http://acme.example"], 2, "--url http://acme.example"),
    (["--out", "FILE", "--org", "ORG"], 2, "is not a directory"),
    (["--out", "OUT", "--org", "TEMPLATE"], 2, "no --url says which origin"),
])
def test_bad_inputs(tmp_path, args, code, message):
    (tmp_path / "org.toml").write_text(PROFILE, encoding="utf-8")
    (tmp_path / "bad.toml").write_text("schema = = 1\n", encoding="utf-8")
    (tmp_path / "t.toml").write_text(PROFILE + '[templates]\nagents_md = "https://acme.example/a.j2"\n')
    (tmp_path / "file").write_text("x")
    names = {"OUT": tmp_path / "out", "MISSING.toml": tmp_path / "missing.toml", "BAD.toml": tmp_path / "bad.toml",
             "ORG": tmp_path / "org.toml", "FILE": tmp_path / "file", "TEMPLATE": tmp_path / "t.toml"}
    result = aistack("org", "build", *[str(names.get(a, a)) for a in args],
                     env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "AISTACK_CONFIG_DIR": str(tmp_path / "c")})
    assert result.returncode == code, result.stderr
    assert message in result.stderr
    assert not (tmp_path / "out").exists()


SCHEMA = Path(__file__).resolve().parents[1] / "schemas" / "mcp-registry-server.schema.json"


def test_every_server_json_is_valid_against_the_registry_schema(tmp_path):
    import hashlib

    import jsonschema

    raw = SCHEMA.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == "3fba09590c99f61735d234822279f4223fab9e300c0a81e81c91ab62a4114de0"
    schema = json.loads(raw)
    assert schema["$id"] == SERVER_SCHEMA
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    files = build(profile(tmp_path), url="https://acme.example")
    docs = [json.loads(data) for rel, data in files.items() if rel.endswith("server.json")]
    listed = [e["server"] for rel, data in files.items() if rel.startswith("v0.1/")
              for e in json.loads(data).get("servers", [json.loads(data)])]
    assert len(docs) == 2 and len(listed) == 2 * 3 + 2  # the list, each server's versions list, latest, 1.0.0
    for doc in docs + listed:
        errors = sorted(validator.iter_errors(doc), key=str)
        assert not errors, [e.message for e in errors]
    # the checker itself: a description over 100 characters and a bad name are refused
    bad = dict(docs[0], description="x" * 101, name="no-slash")
    assert {e.validator for e in validator.iter_errors(bad)} == {"maxLength", "pattern"}
