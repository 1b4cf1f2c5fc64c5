"""The bridges against the real Claude Code and Gemini CLI: each sends AGENTS.md to its model once bridged.

The model API is a capture server on 127.0.0.1 (the CLIs' own base-URL settings point at it); it records
the request bodies, answers Gemini with one short reply and Claude with a 400 so neither waits or retries.
"""

import http.server
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from gitrepo import ECOSYSTEMS, identity, make_repo

BIN = Path(__file__).resolve().parent / "node" / "node_modules" / ".bin"
MARK = "TEAM-ONLY-FACT-7f3a"
pytestmark = pytest.mark.peer


@pytest.fixture(autouse=True)
def _identity(monkeypatch):
    identity(monkeypatch)


class Capture(http.server.ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.bodies: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        self.server.bodies.append(body.decode("utf-8", "replace"))
        def reply(text: bytes) -> bytes:
            return (b'{"candidates":[{"content":{"parts":[{"text":"' + text + b'"}],"role":"model"},'
                    b'"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":1,"candidatesTokenCount":1,'
                    b'"totalTokenCount":2}}')

        if "streamGenerateContent" in self.path:  # Gemini's chat turn: one complete candidate as one event
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.end_headers()
            self.wfile.write(b"data: " + reply(b"ok") + b"\n\n")
        elif "/models/" in self.path:  # Gemini's JSON-mode side calls (model routing) want a JSON object
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(reply(b"{}"))
        else:  # Anthropic: a client error is not retried
            self.send_response(400)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"type":"error","error":{"type":"invalid_request_error","message":"captured"}}')

    def do_GET(self):
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def capture():
    server = Capture()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def need(name: str) -> str:
    path = BIN / name
    if not path.exists() or shutil.which("node") is None:
        pytest.skip(f"{name} is not installed in tests/node (npm ci --prefix tests/node)")
    return str(path)


def ask(argv: list[str], cwd: Path, env: dict) -> None:
    full = {"PATH": os.environ["PATH"], "HOME": os.environ["HOME"], **env}
    subprocess.run(argv, cwd=cwd, env=full, capture_output=True, timeout=60, stdin=subprocess.DEVNULL)


def seen(server: Capture) -> bool:
    return any(MARK in body for body in server.bodies)


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
    assert capture.bodies and not seen(capture)  # Gemini CLI alone reads GEMINI.md, not AGENTS.md
    code, _, err = cli("init-repo", str(root), "--adopt")
    assert code == 0, err
    capture.bodies.clear()
    ask([gemini, "-p", "hi"], root, env)
    assert seen(capture)


def test_claude_code_reads_agents_md_through_the_import(cli, tmp_path, capture):
    claude = need("claude")
    root = repo(tmp_path)
    (root / "CLAUDE.md").write_text("# Claude notes\n")  # an existing CLAUDE.md turns the AGENTS.md fallback off
    env = {"ANTHROPIC_API_KEY": "test-key", "ANTHROPIC_BASE_URL": capture.url}
    ask([claude, "-p", "hi"], root, env)
    assert capture.bodies and not seen(capture)
    code, _, err = cli("init-repo", str(root), "--adopt")
    assert code == 0, err
    capture.bodies.clear()
    ask([claude, "-p", "hi"], root, env)
    assert seen(capture) and any("# Claude notes" in b for b in capture.bodies)
