"""One long-lived real assistant process, driven turn by turn: the way an engineer keeps a session open for hours.

Each driver starts the CLI once and sends prompts into the same process (the same session or thread):
- `StreamJson`: `claude -p` / `qwen -p` with `--input-format stream-json` (one user message a line);
- `Acp`: `gemini --acp` / `copilot --acp` (Agent Client Protocol, JSON-RPC over stdio; permission requests granted);
- `CodexAppServer`: `codex app-server` (JSON-RPC; approvals accepted);
- `OpencodeServe`: `opencode serve` (and its fork's `kilo serve`) over its HTTP API.
`turn(prompt)` returns a `Turn`: the assistant's text (with what the tools returned) and the error it reported.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Turn:
    prompt: str
    at: float  # seconds since the session started
    text: str = ""
    tools: list[str] = field(default_factory=list)  # what each tool call returned (or its error)
    error: str | None = None

    @property
    def everything(self) -> str:
        return "\n".join([self.text, *self.tools, self.error or ""])


class _Lines:
    """A child process speaking JSON lines on stdio; stderr kept in a file for the failure message."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path, log: Path):
        self.log = log
        self.err = open(log, "wb")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err, env=env,
                                     cwd=cwd, text=True, bufsize=1)
        self.lines: queue.Queue = queue.Queue()
        self.started = time.monotonic()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                self.lines.put(json.loads(line))
            except ValueError:
                pass
        self.lines.put(None)

    def send(self, message: dict) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(message) + "\n")
        self.proc.stdin.flush()

    def next(self, deadline: float) -> dict | None:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no answer in time; stderr:\n{self.stderr()}")
            try:
                message = self.lines.get(timeout=min(left, 0.5))
            except queue.Empty:
                continue
            if message is None:
                raise RuntimeError(f"the process exited ({self.proc.poll()}); stderr:\n{self.stderr()}")
            return message

    def stderr(self) -> str:
        self.err.flush()
        return self.log.read_text(errors="replace")[-4000:]

    def now(self) -> float:
        return time.monotonic() - self.started

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.close()
                self.proc.wait(10)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait(10)
        self.err.close()


class StreamJson(_Lines):
    """claude/qwen `-p --input-format stream-json --output-format stream-json`."""

    def turn(self, prompt: str, timeout: float = 120) -> Turn:
        turn = Turn(prompt, self.now())
        self.send({"type": "user", "message": {"role": "user", "content": prompt}})
        deadline = time.monotonic() + timeout
        while True:
            message = self.next(deadline)
            kind = message.get("type")
            body = message.get("message")  # a dict on user/assistant events; some system events carry a string
            content = body.get("content") if isinstance(body, dict) else None
            if kind == "user" and isinstance(content, list):
                for block in content:
                    if isinstance(block, dict) and block.get("type") == "tool_result":
                        turn.tools.append(json.dumps(block.get("content")))
            elif kind == "result":
                turn.text = str(message.get("result") or "")
                if message.get("is_error"):
                    turn.error = turn.text or json.dumps(message)[:500]
                return turn


class Acp(_Lines):
    """gemini/copilot `--acp`: initialize, one session, prompts; the agent's permission requests are granted."""

    def __init__(self, argv, env, cwd, log):
        super().__init__(argv, env, cwd, log)
        self.ids = 0
        self.session: str | None = None
        self.cwd = cwd
        self._request("initialize", {"protocolVersion": 1, "clientCapabilities": {
            "fs": {"readTextFile": False, "writeTextFile": False}}}, Turn("", 0), 120)

    def _request(self, method: str, params: dict, turn: Turn, timeout: float) -> dict | None:
        self.ids += 1
        mine = self.ids
        self.send({"jsonrpc": "2.0", "id": mine, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        texts: list[str] = []
        while True:
            message = self.next(deadline)
            if message.get("method") == "session/request_permission":
                options = message["params"].get("options", [])
                pick = next((o for o in options if "allow" in o.get("kind", "")), options[0])
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": {
                    "outcome": {"outcome": "selected", "optionId": pick["optionId"]}}})
            elif "method" in message and "id" in message:
                self.send({"jsonrpc": "2.0", "id": message["id"], "error": {"code": -32601, "message": "no"}})
            elif message.get("method") == "session/update":
                update = message["params"].get("update", {})
                kind = update.get("sessionUpdate")
                if kind == "agent_message_chunk":
                    texts.append((update.get("content") or {}).get("text", ""))
                elif kind in ("tool_call", "tool_call_update") and update.get("status") in ("completed", "failed"):
                    turn.tools.append(json.dumps(update.get("content") or update.get("rawOutput")))
            elif message.get("id") == mine:
                turn.text = "".join(texts)
                if "error" in message:
                    turn.error = json.dumps(message["error"])
                    return None
                return message.get("result")

    def turn(self, prompt: str, timeout: float = 120) -> Turn:
        turn = Turn(prompt, self.now())
        if self.session is None:
            result = self._request("session/new", {"cwd": str(self.cwd), "mcpServers": []}, turn, timeout)
            if result is None:
                return turn
            self.session = result["sessionId"]
        self._request("session/prompt", {"sessionId": self.session,
                                         "prompt": [{"type": "text", "text": prompt}]}, turn, timeout)
        return turn


class CodexAppServer(_Lines):
    """`codex app-server`: one thread, a turn per prompt; every approval request is accepted."""

    def __init__(self, argv, env, cwd, log):
        super().__init__(argv, env, cwd, log)
        self.ids = 0
        deadline = time.monotonic() + 120
        self._wait_for(self._call("initialize", {"clientInfo": {"name": "aistack-tests", "version": "1"}}), deadline)
        self.send({"method": "initialized"})
        thread = self._call("thread/start", {"approvalPolicy": "on-request", "cwd": str(cwd)})
        started = self._wait_for(thread, deadline)
        self.thread = started["result"]["thread"]["id"]

    def _call(self, method: str, params: dict) -> int:
        self.ids += 1
        self.send({"id": self.ids, "method": method, "params": params})
        return self.ids

    def _wait_for(self, wanted: int, deadline: float, turn: Turn | None = None) -> dict:
        while True:
            message = self.next(deadline)
            if "id" in message and "method" in message:  # an approval (an MCP tool call's is an elicitation)
                accept = ({"action": "accept", "content": {}} if message["method"].endswith("elicitation/request")
                          else {"decision": "accept"})
                self.send({"id": message["id"], "result": accept})
                continue
            if turn is not None and message.get("method") == "item/completed":
                item = message["params"].get("item", {})
                if item.get("type") == "agentMessage":
                    turn.text += item.get("text") or ""
                elif item.get("type") == "mcpToolCall":
                    turn.tools.append(json.dumps({k: item.get(k) for k in ("status", "result", "error")}))
            if turn is not None and message.get("method") == "turn/completed":
                return message
            if turn is None and message.get("id") == wanted:
                return message

    def turn(self, prompt: str, timeout: float = 180) -> Turn:
        turn = Turn(prompt, self.now())
        self._call("turn/start", {"threadId": self.thread, "input": [{"type": "text", "text": prompt}]})
        done = self._wait_for(-1, time.monotonic() + timeout, turn)
        state = done["params"].get("turn", {})
        if state.get("status") != "completed":
            turn.error = json.dumps(state.get("error") or state)
        return turn


class OpencodeServe:
    """`opencode serve` on a port of ours; one session, a message per prompt."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path, log: Path, port: int, model: dict):
        self.log, self.port, self.model = log, port, model
        self.err = open(log, "wb")
        self.proc = subprocess.Popen([*argv, "serve", "--port", str(port), "--hostname", "127.0.0.1"],
                                     stdin=subprocess.DEVNULL, stdout=self.err, stderr=self.err, env=env, cwd=cwd)
        self.started = time.monotonic()
        deadline = time.monotonic() + 180
        while True:
            try:
                self._call("GET", "/config", timeout=2)
                break
            except (OSError, urllib.error.URLError):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"opencode serve did not start:\n{self.stderr()}") from None
                time.sleep(0.5)
        self.session = self._call("POST", "/session", {})["id"]

    def _call(self, method: str, path: str, body: dict | None = None, timeout: float = 180):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
                                         headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read() or b"null")

    def stderr(self) -> str:
        self.err.flush()
        return self.log.read_text(errors="replace")[-4000:]

    def turn(self, prompt: str, timeout: float = 180) -> Turn:
        turn = Turn(prompt, time.monotonic() - self.started)
        try:
            answer = self._call("POST", f"/session/{self.session}/message",
                                {"parts": [{"type": "text", "text": prompt}], "model": self.model}, timeout)
        except urllib.error.HTTPError as e:
            turn.error = f"HTTP {e.code}: {e.read()[:500]!r}"
            return turn
        for part in answer.get("parts", []):
            if part.get("type") == "text":
                turn.text += part.get("text") or ""
            elif part.get("type") == "tool":
                state = part.get("state") or {}
                turn.tools.append(str(state.get("output") or state.get("error") or state.get("status")))
        error = (answer.get("info") or {}).get("error")
        if error:
            turn.error = json.dumps(error)
        return turn

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self.err.close()
