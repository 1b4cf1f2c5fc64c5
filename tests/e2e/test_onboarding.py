"""The README's demo as a test: against the sandbox org (real oidc-provider, LiteLLM gateway, mcp-SDK server), in a
temporary HOME, aistack logs in, sets up Claude Code and a sample repository; the real Claude Code then answers
through the gateway with the token `aistack token` gives its apiKeyHelper, `claude mcp list` connects to the
token-protected server through the headersHelper, `aistack usage` shows the request, and `aistack doctor` is green
until the MCP server is stopped. One org for the module (it takes 15-50 s to start); the tests run in file order."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest

from support.sandbox_peer import NODE_MODULES, claims, running_org

pytestmark = [pytest.mark.peer, pytest.mark.timeout(300)]

CLAUDE = NODE_MODULES / ".bin" / "claude"
ANSWER = "Hello from the aistack sandbox gateway."


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The running org and a private world: HOME, a PATH with only `aistack` and `claude`, no real keyring."""
    if not CLAUDE.exists():
        pytest.fail("Claude Code is not installed: run `npm ci --prefix tests/node`")
    root = tmp_path_factory.mktemp("onboarding")
    home, bin_dir = root / "home", root / "bin"
    home.mkdir()
    bin_dir.mkdir()
    (bin_dir / "claude").symlink_to(CLAUDE)
    aistack = bin_dir / "aistack"  # what setup writes into the helpers: this checkout's aistack
    aistack.write_text(f"#!/bin/sh\nexec '{sys.executable}' -m aistack \"$@\"\n")
    aistack.chmod(0o755)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AISTACK_", "XDG_", "ANTHROPIC_", "CLAUDE_", "OPENAI_"))}
    src = str(Path(__file__).resolve().parents[2] / "src")
    env.update(HOME=str(home), PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
               PYTHONPATH=src + os.pathsep + env.get("PYTHONPATH", ""),
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring", NO_COLOR="1", CI="1",
               DISABLE_AUTOUPDATER="1", DISABLE_TELEMETRY="1", DISABLE_ERROR_REPORTING="1",
               CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1")
    with running_org(root / "org", home) as org:
        yield {"org": org, "home": home, "env": env, "root": root}


def run(world, *args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=timeout, env=world["env"],
                          cwd=cwd or world["root"], stdin=subprocess.DEVNULL)


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    return result.stdout


def usage_rows(world, token: str) -> list[dict]:
    today = datetime.now(timezone.utc).date().isoformat()
    page = httpx.get(f"{world['org']['components']['gateway']['url']}/usage/v1/usage/daily", timeout=10,
                     params={"start": today, "end": today}, headers={"Authorization": f"Bearer {token}"})
    assert page.status_code == 200, page.text
    return page.json()["data"]


@pytest.fixture(scope="module")
def onboarded(world):
    """login (device flow, approved by the sandbox) and setup, as the README's demo runs them."""
    login = run(world, "aistack", "login", "--org", world["org"]["org_profile"], "--device", "--insecure-storage")
    ok(login)
    assert "Logged in to Sandbox Org as demo@example.com" in login.stderr
    ok(run(world, "aistack", "setup", "claude-code"))
    return world


@pytest.fixture(scope="module")
def claude_request(onboarded):
    """One real `claude -p`, and what the gateway recorded for the demo user before and after it."""
    token = ok(run(onboarded, "aistack", "token")).strip()
    before = usage_rows(onboarded, token)
    answer = run(onboarded, "claude", "-p", "In one sentence: what does aistack do?", timeout=180)
    after = usage_rows(onboarded, token)
    return {"token": token, "answer": answer, "before": before, "after": after}


def test_login_and_setup_write_helpers_not_tokens(onboarded):
    home = onboarded["home"]
    settings = json.loads((home / ".claude" / "settings.json").read_text())
    state = json.loads((home / ".claude.json").read_text())
    gateway = onboarded["org"]["components"]["gateway"]["url"]
    assert settings["env"]["ANTHROPIC_BASE_URL"] == gateway
    assert settings["apiKeyHelper"].endswith("/bin/aistack token")
    handbook = state["mcpServers"]["handbook"]
    assert handbook["url"] == onboarded["org"]["components"]["mcp"]["url"]
    assert handbook["headersHelper"].endswith("aistack token --headers-json --server handbook")
    token = ok(run(onboarded, "aistack", "token")).strip()
    for path in (home / ".claude" / "settings.json", home / ".claude.json"):
        assert token not in path.read_text()


def test_init_repo_writes_agents_md_for_a_sample_repository(onboarded):
    repo = onboarded["root"] / "sample"
    repo.mkdir()
    (repo / "package.json").write_text(json.dumps({"name": "sample", "scripts": {"test": "node --test"}}))
    git = ["git", "-c", "user.name=Demo", "-c", "user.email=demo@example.com"]
    for args in (["init", "-q"], ["add", "package.json"], ["commit", "-qm", "sample"]):
        ok(run(onboarded, *git, *args, cwd=repo))
    out = ok(run(onboarded, "aistack", "init-repo", cwd=repo))
    assert "npm test" in out
    assert "- test: `npm test` (package.json scripts.test)" in (repo / "AGENTS.md").read_text()
    assert "@AGENTS.md" in (repo / "CLAUDE.md").read_text()


def test_claude_code_answers_through_the_gateway_with_the_aistack_token(claude_request):
    assert ANSWER in ok(claude_request["answer"])
    # The gateway recorded one more request for the token's owner: the demo user that `aistack token` stands for.
    assert claims(claude_request["token"])["sub"] == "demo"
    requests = [sum(r["requests"] for r in rows) for rows in (claude_request["before"], claude_request["after"])]
    assert requests[1] == requests[0] + 1


def test_claude_mcp_list_shows_the_token_protected_server_connected(onboarded):
    out = ok(run(onboarded, "claude", "mcp", "list", timeout=90))
    [line] = [line for line in out.splitlines() if line.startswith("handbook:")]
    assert onboarded["org"]["components"]["mcp"]["url"] in line and "Connected" in line


def test_usage_shows_that_requests_tokens(claude_request, onboarded):
    report = json.loads(ok(run(onboarded, "aistack", "usage", "--json", "--refresh", "--since", "today")))
    after = claude_request["after"]
    for field in ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "requests"):
        assert report["totals"][field] == sum(r[field] for r in after), field
    assert report["totals"]["output_tokens"] > 0
    # The request's own tokens: what the day gained with it.
    gained = {f: sum(r[f] for r in after) - sum(r[f] for r in claude_request["before"])
              for f in ("input_tokens", "output_tokens")}
    assert gained["input_tokens"] > 0 and gained["output_tokens"] > 0
    text = ok(run(onboarded, "aistack", "usage", "--since", "today"))
    assert f"{sum(r['input_tokens'] for r in after):,}" in text


def test_doctor_is_all_green(onboarded):
    """With the cached access token expired first, so the token check really refreshes at the IdP."""
    [session] = (onboarded["home"] / ".local" / "share" / "aistack" / "auth").glob("session-*.json")
    data = json.loads(session.read_text())
    old_token, data["expires_at"] = data["access_token"], time.time() - 5
    session.write_text(json.dumps(data))
    result = run(onboarded, "aistack", "doctor", "--json")
    report = json.loads(ok(result))
    refreshed = json.loads(session.read_text())
    assert refreshed["access_token"] != old_token and refreshed["expires_at"] > time.time() + 60
    assert re.match(r"Claude Code \d+\.\d+\.\d+: aistack's entries intact",
                    [c for c in report["checks"] if c["id"] == "assistant:claude-code"][0]["detail"])
    assert report["ok"] is True and report["failed"] == []
    statuses = {c["id"]: c["status"] for c in report["checks"]}
    for cid in ("profile", "login", "token", "clock", "gateway", "mcp:handbook", "assistant:claude-code"):
        assert statuses[cid] == "ok", (cid, report)
    # The one warning: the demo keeps the refresh token in a file, since no OS keyring exists here.
    assert statuses["keyring"] == "warn"
    assert "insecure-storage" in [c for c in report["checks"] if c["id"] == "keyring"][0]["detail"]
    assert "all checks passed" in result.stderr


def test_doctor_names_the_mcp_server_once_it_is_stopped(onboarded):
    """Runs last: it stops the org's MCP server (the module's org is stopped afterwards anyway)."""
    state = json.loads((Path(onboarded["org"]["dir"]) / "state.json").read_text())
    pid = state["components"]["mcp"]["pid"]
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            httpx.get(state["components"]["mcp"]["url"], timeout=1)
        except httpx.TransportError:
            break
        time.sleep(0.2)
    result = run(onboarded, "aistack", "doctor", "--timeout", "5")
    assert result.returncode == 1
    assert "failed: mcp:handbook" in result.stderr
    [line] = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    assert "mcp:handbook" in line and state["components"]["mcp"]["url"] in line
    assert [line for line in result.stdout.splitlines() if line.startswith("ok    gateway")]
