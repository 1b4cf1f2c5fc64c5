"""aistack installed under a directory with a space in its name, as on `C:\\Program Files` or `~/My Tools`: the real
Claude Code runs the `apiKeyHelper` and `headersHelper` aistack wrote, the real Codex its `http_headers_helper`
(both through a shell: `sh -c`), and the gateway and a token-checking MCP server receive the engineer's token from
a real login against oidc-provider."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import peers
from peers import gateway as test_gateway
from peers import mcp_server as test_mcp
from support import REPO

pytestmark = [pytest.mark.peer, pytest.mark.timeout(240)]


@pytest.fixture(scope="module")
def spaced_aistack(tmp_path_factory) -> Path:
    """A real installation: this checkout built as a wheel and installed into a venv under `with space/`. Its
    dependencies come from the test environment (a .pth file), so nothing is downloaded."""
    venv = tmp_path_factory.mktemp("install") / "with space" / "aistack env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "test-deps.pth").write_text("".join(p + "\n" for p in sys.path if p.endswith("site-packages")))
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet",
                    "--no-deps", "--no-build-isolation", "--no-index", "--disable-pip-version-check", str(REPO)],
                   check=True, capture_output=True)
    aistack = venv / "bin" / "aistack"
    assert " " in str(aistack) and aistack.is_file()
    return aistack


@pytest.fixture
def logged_in(provider, user, memory_keyring, tmp_path, monkeypatch, spaced_aistack):
    """A login kept where an installed aistack looks by default (under HOME), the spaced install first on PATH."""
    for var in ("AISTACK_CONFIG_DIR", "AISTACK_DATA_DIR", "AISTACK_CACHE_DIR"):
        monkeypatch.delenv(var)
    monkeypatch.setenv("PATH", f"{spaced_aistack.parent}:{Path(sys.executable).parent}:/usr/bin:/bin")
    gateway = test_gateway.start()
    protected = test_mcp.start(verify=lambda tok: provider.userinfo(tok).status_code == 200)
    org = tmp_path / "org.toml"
    org.write_text(f"""schema = 1
[org]
name = "Spaced Org"
[auth]
issuer = "{provider.issuer}"
client_id = "aistack-cli"
[gateway]
url = "{gateway.url}"
[[mcp_servers]]
name = "docs"
url = "{protected.http_url}"
auth = "token"
""")
    from aistack.__main__ import main

    assert main(["login", "--org", str(org), "--device"]) == 0
    session = next((Path.home() / ".local" / "share" / "aistack" / "auth").glob("session-*.json"))
    yield {"org": org, "gateway": gateway, "protected": protected, "token": json.loads(session.read_text())[
        "access_token"]}
    gateway.stop()
    protected.stop()


def test_claude_code_and_codex_run_the_helpers_of_an_aistack_under_a_spaced_path(logged_in, fake_home, cli,
                                                                                 spaced_aistack):
    peers.require("claude")
    peers.require("codex")
    code, _, err = cli("setup", "claude-code", "codex", "--org", str(logged_in["org"]))
    assert code == 0, err
    token, gateway, protected = logged_in["token"], logged_in["gateway"], logged_in["protected"]

    # Claude Code: the model request carries the token its apiKeyHelper got from `aistack token`.
    proc = peers.run_cli("claude", ["-p", "hello"], fake_home, timeout=90)
    assert gateway.requests, proc.stdout + proc.stderr
    assert gateway.requests[0].headers.get("authorization") == f"Bearer {token}", proc.stderr
    # ... and its headersHelper gets the MCP server's headers.
    listing = peers.mcp_listing("claude", fake_home, timeout=90)
    assert listing["docs"]["status"] == "connected", listing["docs"]

    # Codex clears the environment for its helper: `aistack token` finds the login under HOME by itself.
    before = len(protected.authorizations())
    peers.run_cli("codex", ["exec", "--skip-git-repo-check", "hello"], fake_home, env={"AISTACK_TOKEN": token},
                  timeout=90)
    assert f"Bearer {token}" in protected.authorizations()[before:]
    settings = json.loads((fake_home / ".claude" / "settings.json").read_text())
    assert settings["apiKeyHelper"] == f"'{spaced_aistack}' token"  # quoted for sh
