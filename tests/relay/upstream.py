"""A recording stand-in for the gateway behind the relay, on 127.0.0.1: it accepts only the tokens a test names.

- `POST|GET /any/path` answers 200 with what arrived (path, query, headers, body), or 401 for a token it does not
  accept (with a WWW-Authenticate header and CORS headers the relay must not pass on);
- `GET|POST .../stream?n=N` answers N server-sent events, the last one only once the test sets `release`, so a
  test can see the first event arrive before the upstream has finished (nothing buffered on the way).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Seen:
    method: str
    path: str
    query: dict
    headers: dict[str, str]
    body: bytes


@dataclass
class Upstream:
    port: int
    accepted: set[str] = field(default_factory=set)  # tokens answered with 200
    seen: list[Seen] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    stream_broken: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def start() -> Upstream:
    upstream = Upstream(port=0)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            headers = {k.lower(): v for k, v in self.headers.items()}
            upstream.seen.append(Seen(self.command, parts.path, parse_qs(parts.query), headers, body))
            token = headers.get("authorization", "").removeprefix("Bearer ") or headers.get("cf-access-token", "")
            if token not in upstream.accepted:
                self._send(401, {"error": {"message": "token rejected"}},
                           {"WWW-Authenticate": 'Bearer error="invalid_token"', "Access-Control-Allow-Origin": "*"})
                return
            if parts.path.endswith("/stream"):
                self._stream(int(parse_qs(parts.query).get("n", ["3"])[0]))
                return
            self._send(200, {"path": parts.path, "query": parts.query, "headers": headers,
                             "body": body.decode(errors="replace")}, {"Access-Control-Allow-Origin": "*",
                                                                       "Set-Cookie": "session=upstream"})

        def _send(self, status: int, payload: dict, extra: dict[str, str]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            for k, v in extra.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _stream(self, n: int) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("transfer-encoding", "chunked")
            self.end_headers()
            try:
                for i in range(n):
                    if i == n - 1:
                        upstream.release.wait(30)
                    event = f"data: {json.dumps({'i': i})}\n\n".encode()
                    self.wfile.write(f"{len(event):x}\r\n".encode() + event + b"\r\n")
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                upstream.stream_broken.set()

        do_GET = do_POST = do_DELETE = _answer

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True, name="test-upstream").start()
    upstream.port, upstream._server = server.server_address[1], server
    return upstream
