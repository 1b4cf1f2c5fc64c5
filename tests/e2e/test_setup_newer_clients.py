"""`aistack setup` seen by the assistants whose CLIs joined the peers later (Continue's cn, Kilo Code's kilo, Amp,
Cline's CLI): after a real login against oidc-provider, each reads what aistack wrote beside the user's own server,
and reaches the server that checks the engineer's token at the IdP, through the relay its file names (kilo, amp) or
through `aistack mcp-bridge` (cn, cline), with the token from the login: no AISTACK_TOKEN for those servers."""

from __future__ import annotations

import json

import pytest

import peers
from peers.configs import STDIO, USERS_OWN, write
from peers.fixtures import answering_gateway  # noqa: F401
from peers.org_stack import aistack_env, stack  # noqa: F401
from support.oidc_peer import read_session
from support.relay import running_relay

pytestmark = [pytest.mark.peer, pytest.mark.timeout(240)]
ORG_SERVERS = ("docs", "events", "local")


def setup(cli, name: str, stack) -> str:
    code, _, err = cli("setup", name, "--org", str(stack["org"]))
    assert code == 0, err
    return err


def no_token_in_files(home) -> None:
    token = read_session()["access_token"]
    for path in home.rglob("*"):
        if path.is_file() and path.stat().st_size < 5_000_000:
            assert token.encode() not in path.read_bytes(), path


def test_kilo(stack, fake_home, cli, tmp_path):
    write(fake_home / ".config" / "kilo" / "kilo.jsonc", '{\n  // mine\n  "mcp": {"mine": {"type": "local", '
                                                        '"command": ["user-own-server", "--flag"]}},\n}\n')
    with running_relay(tmp_path / "relay.log") as relay:
        setup(cli, "kilo-code", stack)
        listing = peers.mcp_listing("kilo", fake_home, env=aistack_env(), timeout=200)
    token = read_session()["access_token"]
    assert listing["mine"]["command"] == "user-own-server"
    assert {n: listing[n]["status"] for n in ORG_SERVERS} == dict.fromkeys(ORG_SERVERS, "connected"), listing
    assert listing["docs"]["url"] == f"{relay}/mcp/docs"
    assert f"Bearer {token}" in stack["protected"].authorizations()
    no_token_in_files(fake_home)


def test_amp(stack, fake_home, cli, tmp_path):
    write(fake_home / ".config" / "amp" / "settings.json", json.dumps({"amp.mcpServers": {"mine": USERS_OWN}}))
    with running_relay(tmp_path / "relay.log") as relay:
        setup(cli, "amp", stack)
        listing = peers.mcp_listing("amp", fake_home)  # offline: nothing is contacted
        assert set(listing) == {"mine", *ORG_SERVERS} and not stack["protected"].seen
        assert listing["events"]["url"] == stack["open"].sse_url and listing["docs"]["url"] == f"{relay}/mcp/docs"
        doctor = peers.amp_doctor(fake_home, env=aistack_env(), timeout=200)
    token = read_session()["access_token"]
    assert {n: doctor[n]["status"] for n in ORG_SERVERS} == dict.fromkeys(ORG_SERVERS, "connected"), doctor
    assert f"Bearer {token}" in stack["protected"].authorizations()
    no_token_in_files(fake_home)


def test_cline(stack, fake_home, cli, answering_gateway):
    (fake_home / ".cline").mkdir()
    setup(cli, "cline", stack)
    peers.run_cli("cline", ["auth", "openai", "-k", "dummy-key", "-m", "test-model", "-b",
                            f"{answering_gateway.url}/v1"], fake_home, check=True)
    settings = fake_home / ".cline" / "data" / "settings" / "cline_mcp_settings.json"
    data = json.loads(settings.read_text())
    data["mcpServers"]["mine"] = USERS_OWN
    settings.write_text(json.dumps(data, indent=2))
    assert set(peers.mcp_listing("cline", fake_home)) == {"mine", *ORG_SERVERS}
    # No AISTACK_TOKEN: the bridge gets the token from the login, through `aistack token`.
    proc = peers.run_cli("cline", ["--json", "say hi"], fake_home, env=aistack_env(), timeout=200)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    offered = {t for r in answering_gateway.requests for t in r.tools}
    assert {f"{n}__echo" for n in ORG_SERVERS} <= offered, offered
    assert f"Bearer {read_session()['access_token']}" in stack["protected"].authorizations()


def test_continue(stack, fake_home, cli, answering_gateway):
    config = write(fake_home / ".continue" / "config.yaml", f"""# my continue config
name: Local Config
version: 1.0.0
schema: v1
models:
  - name: gateway
    provider: openai
    model: test-model
    apiBase: {answering_gateway.url}/v1
    apiKey: ${{{{ secrets.AISTACK_TOKEN }}}}
mcpServers:
  - name: mine
    command: {STDIO[0]}
    args: {json.dumps(STDIO[1:])}
""")
    setup(cli, "continue", stack)
    assert "# my continue config" in config.read_text()
    token = read_session()["access_token"]
    # `aistack run cn`: AISTACK_TOKEN for the model's key; the bridged server takes it the same way.
    code, servers = peers.continue_run(fake_home, ["mine", *ORG_SERVERS], env=aistack_env(token), timeout=200)
    assert code == 0 and all(s["status"] == "connected" for s in servers.values()), servers
    request = answering_gateway.requests[-1]
    assert request.headers["authorization"] == f"Bearer {token}" and request.tools.count("echo") == 4
    assert f"Bearer {token}" in stack["protected"].authorizations()
    no_token_in_files(fake_home)
