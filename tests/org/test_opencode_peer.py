"""The real OpenCode 1.18.33 reading the `/.well-known/opencode` that `aistack org build` wrote, served on
127.0.0.1: `opencode auth login URL` (stdin closed, a fresh HOME) runs the document's `auth.command`
(`aistack token`) and keeps its output; every later start fetches the document again and merges its `config` under
the user's own, so the org's MCP servers appear in `opencode debug config`."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

import peers
from aistack.org.build import build
from aistack.org.write import write
from aistack.profile import load
from peers.listings import opencode_config
from support.http import Reply

pytestmark = [pytest.mark.peer, pytest.mark.timeout(120)]

TOKEN = "org-login-token-" + "x" * 24


def site(serve, out: Path):
    def app(seen):
        path = out / seen.path.lstrip("/")
        return Reply(200, path.read_bytes()) if path.is_file() else Reply(404, {"error": "not found"})

    return serve(app, token=None)


def test_opencode_logs_in_with_the_published_document_and_gets_the_orgs_servers(tmp_path, fake_home, serve):
    peers.require("opencode")
    org = tmp_path / "org.toml"
    org.write_text("""schema = 1
[org]
name = "Acme"
[[mcp_servers]]
name = "docs"
url = "https://mcp.acme.example/docs/mcp"
auth = "token"
[[mcp_servers]]
name = "wiki"
url = "https://mcp.acme.example/wiki/mcp"
[[mcp_servers]]
name = "git"
command = "uvx"
args = ["mcp-server-git"]
""", encoding="utf-8")
    out = tmp_path / "site"
    write(build(load(str(org)), url="https://acme.example"), out)
    web = site(serve, out)
    # `aistack token` is the auth command: this installation's aistack on PATH, with a token it prints
    env = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}", "AISTACK_TOKEN": TOKEN}
    login = peers.run_cli("opencode", ["auth", "login", web.url], fake_home, env=env)
    assert login.returncode == 0, login.stdout + login.stderr
    assert "aistack token" in login.stdout + login.stderr and "Logged into" in login.stdout + login.stderr
    assert web.hits("/.well-known/opencode")
    stored = json.loads((fake_home / ".local" / "share" / "opencode" / "auth.json").read_text())
    assert stored[web.url] == {"type": "wellknown", "key": "AISTACK_OPENCODE_TOKEN", "token": TOKEN}
    # every start: the document again, its config merged (without the token in any server entry)
    fetched = len(web.hits("/.well-known/opencode"))
    mcp = opencode_config(fake_home, env={"PATH": env["PATH"]})["mcp"]
    assert len(web.hits("/.well-known/opencode")) > fetched
    assert mcp["docs"]["command"] == ["aistack", "mcp-bridge", "docs"] and mcp["docs"]["type"] == "local"
    assert mcp["wiki"] == {"type": "remote", "url": "https://mcp.acme.example/wiki/mcp", "enabled": True}
    assert mcp["git"]["command"] == ["uvx", "mcp-server-git"]


def test_a_failing_auth_command_logs_nothing_in(tmp_path, fake_home, serve):
    """On a machine where aistack has no org or login yet, `aistack token` fails with its own message (OpenCode
    passes the command's stderr through) and OpenCode stores nothing."""
    peers.require("opencode")
    org = tmp_path / "org.toml"
    org.write_text('schema = 1\n[org]\nname = "Acme"\n', encoding="utf-8")
    out = tmp_path / "site"
    write(build(load(str(org))), out)
    web = site(serve, out)
    env = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "AISTACK_CONFIG_DIR": str(tmp_path / "no-login")}
    login = peers.run_cli("opencode", ["auth", "login", web.url], fake_home, env=env)
    text = login.stdout + login.stderr
    assert "Running `aistack token`" in text and "Failed" in text and "error: no org profile yet." in text
    assert not (fake_home / ".local" / "share" / "opencode" / "auth.json").exists() or \
        web.url not in json.loads((fake_home / ".local" / "share" / "opencode" / "auth.json").read_text())
