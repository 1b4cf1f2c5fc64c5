"""Ground truth for the assistant adapters: what each real CLI reads, checked offline.

The per-assistant files (test_peer_claude.py, test_peer_codex.py, test_peer_gemini_qwen.py,
test_peer_opencode.py, test_peer_copilot.py) write each user-scope config by hand in the shape
clients.md describes, with a stdio, an http and (where it exists) an SSE server on a real MCP
server at 127.0.0.1 plus a server of the user's own, and assert the CLI's own listing; model
routing is checked against a recording gateway. This file covers project scope: which
repo-level file each CLI reads. The facts are summed up in tests/peers/__init__.py.
"""

from __future__ import annotations

import json
import os

import pytest

import peers
from peers.configs import write
from peers.fixtures import gateway, mcp_server, mcp_server_factory, protected_mcp_server, token  # noqa: F401

pytestmark = [pytest.mark.peer, pytest.mark.timeout(90)]


def test_project_files_each_cli_reads(fake_home, mcp_server):
    """Which repo-level file each CLI reads from its working directory, and what it demands first."""
    project = fake_home / "repo"
    url = mcp_server.http_url
    write(project / ".mcp.json", json.dumps({"mcpServers": {"p-mcp-json": {"type": "http", "url": url}}}))
    write(project / ".github" / "mcp.json", json.dumps({"mcpServers": {"p-github": {"type": "http", "url": url}}}))
    write(project / ".vscode" / "mcp.json", json.dumps({"servers": {"p-vscode": {"type": "http", "url": url}}}))
    write(project / ".codex" / "config.toml", f'[mcp_servers.p-codex]\nurl = "{url}"\n')
    write(project / ".gemini" / "settings.json", json.dumps({"mcpServers": {"p-gemini": {"httpUrl": url}}}))
    write(project / ".qwen" / "settings.json", json.dumps({"mcpServers": {"p-qwen": {"httpUrl": url}}}))
    write(project / "opencode.json", json.dumps({"mcp": {"p-opencode": {"type": "remote", "url": url}}}))

    def listed(cli, **kw):
        peers.require(cli)
        return {name: entry["status"] for name, entry in peers.mcp_listing(cli, fake_home, cwd=project, **kw).items()}

    assert listed("claude") == {"p-mcp-json": "needs-approval"}
    assert listed("opencode") == {"p-opencode": "connected"}
    assert listed("gemini") == {"p-gemini": "connected"}  # the folder is trusted by the harness
    assert listed("qwen") == {"p-mcp-json": "needs-approval", "p-qwen": "needs-approval"}  # qwen reads .mcp.json too
    # Codex ignores a project config until the user config trusts the project.
    assert listed("codex") == {}
    write(fake_home / ".codex" / "config.toml", f'[projects."{project}"]\ntrust_level = "trusted"\n')
    assert listed("codex") == {"p-codex": "enabled"}
    # Copilot reads workspace servers only in a trusted folder, from .mcp.json, else .github/mcp.json; never .vscode.
    assert listed("copilot") == {}
    assert listed("copilot", env={"COPILOT_ALLOW_ALL": "true"}) == {"p-mcp-json": "enabled"}
    (project / ".mcp.json").unlink()
    assert listed("copilot", env={"COPILOT_ALLOW_ALL": "true"}) == {"p-github": "enabled"}


def test_harness_env_keeps_the_real_home_out(fake_home):
    env = peers.env_for("claude", fake_home, {"EXTRA": "1"})
    assert env["HOME"] == env["USERPROFILE"] == str(fake_home)
    assert env["XDG_CONFIG_HOME"] == str(fake_home / ".config") and env["EXTRA"] == "1"
    assert not {"ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GITHUB_TOKEN", "AISTACK_TOKEN"} & set(env)
    assert os.environ.get("HOME") == str(fake_home)
