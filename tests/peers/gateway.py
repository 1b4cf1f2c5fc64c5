"""A recording stand-in for the company's LLM gateway, on 127.0.0.1 with a port the OS picks.

It answers every request with HTTP 400 and a JSON error, so an assistant run with a prompt
(`claude -p`, `codex exec`, `gemini -p`, ...) sends its first model request here and stops.
What the tests check is that request: the path the assistant built from its configured base
URL and the headers (token, static gateway headers) it sent. No model is answered: that part
cannot run offline, and is not what the config under test decides.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ERROR_BODY = json.dumps({"error": {"type": "invalid_request_error", "message": "aistack test gateway"}}).encode()


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased


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


def start() -> Gateway:
    requests: list[Request] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            if length:
                self.rfile.read(length)
            requests.append(Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))
            self.send_response(400)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(ERROR_BODY)))
            self.end_headers()
            self.wfile.write(ERROR_BODY)

        do_GET = do_POST = do_PUT = do_DELETE = _answer

        def log_message(self, *args) -> None:  # keep test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="test-gateway")
    thread.start()
    return Gateway(port=server.server_address[1], requests=requests, _server=server, _thread=thread)
