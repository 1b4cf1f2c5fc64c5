"""The managed layer as the real Gemini CLI enforces it: with GEMINI_CLI_SYSTEM_SETTINGS_PATH (Gemini's own
override, never the machine's /etc) naming system settings with `mcp.excluded`, the servers `gemini mcp list`
shows as Blocked are exactly those aistack says the layer blocks, and a setup run under that layer takes out the
entry it had written, which Gemini would never load."""

from __future__ import annotations

import json
import sys

import pytest

import peers
from peers.configs import write

pytestmark = pytest.mark.peer


def test_aistack_and_gemini_agree_on_what_system_settings_block(cli, fake_home, tmp_path, root_dir, monkeypatch):
    if not peers.available("gemini"):
        pytest.skip("gemini is not installed in tests/node")
    org = tmp_path / "org.toml"
    org.write_text(f"""schema = 1
[org]
name = "Layer Org"
[auth]
issuer = "https://idp.invalid"
client_id = "aistack-cli"
[[mcp_servers]]
name = "orgtool"
command = "{sys.executable}"
args = ["-c", "pass"]
[[mcp_servers]]
name = "orgblocked"
command = "{sys.executable}"
args = ["-c", "pass"]
""")
    user = {"command": sys.executable, "args": ["-c", "pass"]}
    write(fake_home / ".gemini" / "settings.json",
          '{\n  // mine\n  "mcpServers": ' + json.dumps({"keep": user, "gone": user}) + "\n}\n")
    assert cli("setup", "gemini-cli", "--org", str(org))[0] == 0  # no managed layer yet: all four written
    system = root_dir / "gemini-system.json"
    system.write_text(json.dumps({"mcp": {"excluded": ["gone", "orgblocked"]}}))
    env = {"GEMINI_CLI_SYSTEM_SETTINGS_PATH": str(system)}
    listing = peers.mcp_listing("gemini", fake_home, env=env, timeout=120)
    shown_blocked = {name for name, entry in listing.items() if entry["status"] == "blocked"}
    assert set(listing) == {"keep", "gone", "orgtool", "orgblocked"}, listing

    monkeypatch.setenv("GEMINI_CLI_SYSTEM_SETTINGS_PATH", str(system))
    code, out, err = cli("setup", "gemini-cli", "--json")
    assert code == 0, err
    said_blocked = {b["server"] for b in json.loads(out)["assistants"][0]["blocked"]}
    assert said_blocked == shown_blocked == {"gone", "orgblocked"}
    after = peers.mcp_listing("gemini", fake_home, env=env, timeout=120)
    assert set(after) == {"keep", "gone", "orgtool"}  # aistack's dead entry is gone; the user's stays
    # `python -c pass` is no MCP server: Disconnected, but not Blocked
    assert after["gone"]["status"] == "blocked" and {after[n]["status"] for n in ("keep", "orgtool")} == {"failed"}
