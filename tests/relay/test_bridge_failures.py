"""`aistack mcp-bridge` when it cannot do its job: each failure is named, on stderr and in the MCP error
the assistant shows, with the right exit code and without the token."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from bridge_support import TOKEN, remote_entry, run_raw, write_profile

from peers import mcp_server as org_mcp
from support import REPO, subprocess_env


@pytest.mark.peer
@pytest.mark.parametrize("transport", ["http", "sse"])
def test_wrong_token_fails_initialize_clearly(tmp_path, transport):
    wrong = "at-" + "9" * 40
    with org_mcp.start(tokens={TOKEN}) as remote:
        profile = write_profile(tmp_path / "org.toml", remote_entry("docs", remote.url(transport), transport))
        code, messages, err = run_raw(profile, "docs", AISTACK_TOKEN=wrong)
        assert 401 in remote.statuses()
    assert code == 4
    assert len(messages) == 1 and messages[0]["id"] == 1 and "result" not in messages[0]
    message = messages[0]["error"]["message"]
    assert "rejected the token from AISTACK_TOKEN (HTTP 401)" in message and remote.url(transport) in message
    assert "rejected the token from AISTACK_TOKEN (HTTP 401)" in err
    for text in (err, json.dumps(messages)):
        assert wrong not in text and TOKEN not in text


@pytest.mark.peer
def test_unreachable_remote_names_the_url(tmp_path):
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/mcp"
    profile = write_profile(tmp_path / "org.toml", remote_entry("docs", url))
    code, messages, err = run_raw(profile, "docs", AISTACK_TOKEN=TOKEN)
    assert code == 1
    assert f"cannot reach MCP server 'docs' at {url}" in messages[0]["error"]["message"]
    assert f"cannot reach MCP server 'docs' at {url}" in err
    assert TOKEN not in err


@pytest.mark.peer
def test_auth_none_against_a_server_that_wants_a_token(tmp_path):
    with org_mcp.start(tokens={TOKEN}) as remote:
        profile = write_profile(tmp_path / "org.toml", remote_entry("docs", remote.url(), auth="none"))
        code, messages, err = run_raw(profile, "docs", AISTACK_TOKEN=TOKEN)
    assert code == 1
    assert 'auth = "none"' in messages[0]["error"]["message"] and "HTTP 401" in err


def test_unknown_server_lists_the_profiles_servers(tmp_path):
    profile = write_profile(tmp_path / "org.toml", remote_entry("docs", "https://mcp.example.com/docs")
                            + remote_entry("wiki", "https://mcp.example.com/wiki"))
    code, messages, err = run_raw(profile, "nope", send_initialize=False, AISTACK_TOKEN=TOKEN)
    assert code == 2 and messages == []
    assert "no MCP server named 'nope'" in err and "docs, wiki" in err


def test_oauth_server_is_refused(tmp_path):
    profile = write_profile(tmp_path / "org.toml", remote_entry("tickets", "https://mcp.example.com/t", auth="oauth"))
    code, messages, err = run_raw(profile, "tickets", send_initialize=False, AISTACK_TOKEN=TOKEN)
    assert code == 2 and messages == []
    assert "uses OAuth" in err and "https://mcp.example.com/t" in err


def test_stdio_server_has_nothing_to_bridge(tmp_path):
    profile = write_profile(tmp_path / "org.toml", '[[mcp_servers]]\nname = "git"\ncommand = "uvx"\n'
                                                   'args = ["mcp-server-git"]\n')
    code, messages, err = run_raw(profile, "git", send_initialize=False, AISTACK_TOKEN=TOKEN)
    assert code == 2 and messages == []
    assert "stdio server" in err and "nothing to bridge" in err


@pytest.mark.peer
def test_login_needed_fails_initialize_and_exits_4(tmp_path):
    probe = subprocess.run([sys.executable, "-m", "aistack", "token", "--help"], capture_output=True,
                           env=subprocess_env(), cwd=str(REPO))
    if probe.returncode != 0:
        pytest.skip("`aistack token` is not part of this build yet (it comes with `aistack login`)")
    with org_mcp.start(tokens={TOKEN}) as remote:
        profile = write_profile(tmp_path / "org.toml", '[auth]\nissuer = "https://login.example.com"\n'
                                'client_id = "aistack-cli"\n' + remote_entry("docs", remote.url()))
        code, messages, err = run_raw(profile, "docs")  # no AISTACK_TOKEN, nobody logged in
        assert remote.seen == []  # nothing was sent without a token
    assert code == 4
    assert "aistack login" in messages[0]["error"]["message"] and "aistack login" in err


@pytest.mark.peer
def test_a_transport_mismatch_is_named(tmp_path):
    """The profile says SSE, the server speaks streamable HTTP: the message names the URL and the fix."""
    with org_mcp.start(tokens={TOKEN}) as remote:
        profile = write_profile(tmp_path / "org.toml", remote_entry("docs", remote.url("http"), transport="sse"))
        code, messages, err = run_raw(profile, "docs", AISTACK_TOKEN=TOKEN)
    assert code == 1
    message = messages[0]["error"]["message"]
    assert f"MCP server 'docs' at {remote.url('http')} answered HTTP" in message
    assert "transport (http or sse)" in message
