"""A recording stand-in for the company's LLM gateway, on 127.0.0.1 with a port the OS picks.

By default it answers every request with HTTP 400 and a JSON error, so an assistant run with a
prompt (`claude -p`, `codex exec`, `gemini -p`, ...) sends its first model request here and stops.
What the tests check is that request: the path the assistant built from its configured base
URL and the headers (token, static gateway headers) it sent.

`start(answer=True)` answers OpenAI chat completions instead (a fixed one-line reply, streamed
when asked) and lists one model, for the assistants that only report their MCP servers once a
prompt has run (Continue's `cn`, Cline's CLI): the tools they offer the model are recorded.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ERROR_BODY = json.dumps({"error": {"type": "invalid_request_error", "message": "aistack test gateway"}}).encode()


REPLY = "Hello from the test gateway."


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    body: dict = field(default_factory=dict)

    @property
    def tools(self) -> list[str]:
        """The tool names offered to the model (OpenAI `tools[].function.name`)."""
        return [(t.get("function") or {}).get("name") or t.get("name") for t in self.body.get("tools") or []]


@dataclass
class Gateway:
    port: int
    requests: list[Request] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)


def _completion(body: dict) -> tuple[str, bytes]:
    base = {"id": "c1", "created": int(time.time()), "model": body.get("model") or "test-model"}
    usage = {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8}
    if not body.get("stream"):
        message = {"role": "assistant", "content": REPLY}
        return "application/json", json.dumps({**base, "object": "chat.completion", "usage": usage, "choices": [
            {"index": 0, "message": message, "finish_reason": "stop"}]}).encode()
    chunks = [{**base, "object": "chat.completion.chunk",
               "choices": [{"index": 0, "delta": {"role": "assistant", "content": REPLY}, "finish_reason": None}]},
              {**base, "object": "chat.completion.chunk", "usage": usage,
               "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}]
    return "text/event-stream", "".join(f"data: {json.dumps(c)}\n\n" for c in chunks).encode() + b"data: [DONE]\n\n"


def start(answer: bool = False) -> Gateway:
    requests: list[Request] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else {}
            except ValueError:
                body = {}
            requests.append(Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                                    body if isinstance(body, dict) else {}))
            status, kind, data = 400, "application/json", ERROR_BODY
            if answer and self.path.rstrip("/").endswith("/models"):
                status, data = 200, json.dumps({"object": "list", "data": [{"id": "test-model"}]}).encode()
            elif answer and self.path.endswith("/chat/completions"):
                status, (kind, data) = 200, _completion(body)
            self.send_response(status)
            self.send_header("content-type", kind)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _answer

        def log_message(self, *args) -> None:  # keep test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="test-gateway")
    thread.start()
    return Gateway(port=server.server_address[1], requests=requests, _server=server, _thread=thread)
