"""The bridges against the real Claude Code and Gemini CLI: each sends AGENTS.md to its model once bridged.

The model API is a capture server on 127.0.0.1 (the CLIs' own base-URL settings point at it); it records
the request bodies, answers Gemini with one short reply and Claude with a 400 so neither waits or retries.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from support import REPO
from support.gitrepo import ECOSYSTEMS, identity, make_repo
from support.http import Loopback, Reply, Seen

BIN = REPO / "tests" / "node" / "node_modules" / ".bin"
MARK = "TEAM-ONLY-FACT-7f3a"
pytestmark = pytest.mark.peer


@pytest.fixture(autouse=True)
def _identity(monkeypatch):
    identity(monkeypatch)


GEMINI_REPLY = {"candidates": [{"content": {"parts": [{"text": "ok"}], "role": "model"}, "finishReason": "STOP"}],
                "usageMetadata": {"promptTokenCount": 1, "candidatesTokenCount": 1, "totalTokenCount": 2}}


def model_api(seen: Seen) -> Reply:
    if seen.method != "POST":
        return Reply(404, {})
    if "streamGenerateContent" in seen.path:  # Gemini's chat turn: one complete candidate as one event
        return Reply(200, f"data: {json.dumps(GEMINI_REPLY)}\n\n", headers={"Content-Type": "text/event-stream"})
    if "/models/" in seen.path:  # Gemini's JSON-mode side calls (model routing) want a JSON object
        reply = json.loads(json.dumps(GEMINI_REPLY))
        reply["candidates"][0]["content"]["parts"][0]["text"] = "{}"
        return Reply(200, reply)
    # Anthropic: a client error is not retried
    return Reply(400, {"type": "error", "error": {"type": "invalid_request_error", "message": "captured"}})


@pytest.fixture
def capture(serve):
    return serve(model_api, token=None)


def bodies(server: Loopback) -> list[str]:
    """The request bodies the model API received."""
    return [s.text for s in server.seen if s.method == "POST"]


def need(name: str) -> str:
    path = BIN / name
    if not path.exists() or shutil.which("node") is None:
        pytest.skip(f"{name} is not installed in tests/node (npm ci --prefix tests/node)")
    return str(path)


def ask(argv: list[str], cwd: Path, env: dict) -> None:
    full = {"PATH": os.environ["PATH"], "HOME": os.environ["HOME"], **env}
    subprocess.run(argv, cwd=cwd, env=full, capture_output=True, timeout=60, stdin=subprocess.DEVNULL)


def seen(server: Loopback) -> bool:
    return any(MARK in body for body in bodies(server))


def repo(tmp_path) -> Path:
    root = make_repo(tmp_path / "r", ECOSYSTEMS["npm"])
    (root / "AGENTS.md").write_text(f"# svc\n\n{MARK}\n")
    return root


def test_gemini_cli_reads_agents_md_only_once_bridged(cli, tmp_path, capture):
    gemini = need("gemini")
    home = Path(os.environ["HOME"])
    (home / ".gemini").mkdir()
    (home / ".gemini/settings.json").write_text('{"security": {"auth": {"selectedType": "gemini-api-key"}}}')
    root = repo(tmp_path)
    (root / ".gemini").mkdir()
    (root / ".gemini/settings.json").write_text('{\n  // the team\'s\n  "ui": {"hideTips": true}\n}\n')
    env = {"GEMINI_API_KEY": "test-key", "GOOGLE_GEMINI_BASE_URL": capture.url, "GEMINI_CLI_TRUST_WORKSPACE": "true"}
    ask([gemini, "-p", "hi"], root, env)
    assert bodies(capture) and not seen(capture)  # Gemini CLI alone reads GEMINI.md, not AGENTS.md
    code, _, err = cli("init-repo", str(root), "--adopt")
    assert code == 0, err
    capture.seen.clear()
    ask([gemini, "-p", "hi"], root, env)
    assert seen(capture)


def test_claude_code_reads_agents_md_through_the_import(cli, tmp_path, capture):
    claude = need("claude")
    root = repo(tmp_path)
    (root / "CLAUDE.md").write_text("# Claude notes\n")  # an existing CLAUDE.md turns the AGENTS.md fallback off
    env = {"ANTHROPIC_API_KEY": "test-key", "ANTHROPIC_BASE_URL": capture.url}
    ask([claude, "-p", "hi"], root, env)
    assert bodies(capture) and not seen(capture)
    code, _, err = cli("init-repo", str(root), "--adopt")
    assert code == 0, err
    capture.seen.clear()
    ask([claude, "-p", "hi"], root, env)
    assert seen(capture) and any("# Claude notes" in b for b in bodies(capture))
