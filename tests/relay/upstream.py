"""A recording stand-in for the gateway behind the relay, on the suite's loopback server (support.http): it
accepts only the tokens a test names.

- any method on any path answers 200 with what arrived (path, query, headers, body), or 401 for a token it does
  not accept (with a WWW-Authenticate header and CORS headers the relay must not pass on);
- `.../stream?n=N` answers N server-sent events, the last one only once the test sets `release`, so a test can
  see the first event arrive before the upstream has finished (nothing buffered on the way).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from support.http import Loopback, Reply, Seen


@dataclass
class Upstream:
    accepted: set[str] = field(default_factory=set)  # tokens answered with 200
    release: threading.Event = field(default_factory=threading.Event)
    stream_broken: threading.Event = field(default_factory=threading.Event)
    server: Loopback | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url

    @property
    def seen(self) -> list[Seen]:
        return self.server.seen if self.server is not None else []

    def stop(self) -> None:
        self.release.set()
        if self.server is not None:
            self.server.close()

    def _events(self, n: int) -> Iterator[bytes]:
        for i in range(n):
            if i == n - 1:
                self.release.wait(30)
            yield f"data: {json.dumps({'i': i})}\n\n".encode()

    def __call__(self, seen: Seen) -> Reply:
        token = seen.headers.get("authorization", "").removeprefix("Bearer ") or seen.headers.get("cf-access-token", "")
        if token not in self.accepted:
            return Reply(401, {"error": {"message": "token rejected"}},
                         {"WWW-Authenticate": 'Bearer error="invalid_token"', "Access-Control-Allow-Origin": "*"})
        if seen.path.endswith("/stream"):
            return Reply(chunks=self._events(int(seen.one("n") or 3)), on_broken=self.stream_broken.set)
        query = seen.target.partition("?")[2]
        return Reply(200, {"path": seen.path, "query": query, "headers": seen.headers, "body": seen.text},
                     {"Access-Control-Allow-Origin": "*", "Set-Cookie": "session=upstream"})


def start() -> Upstream:
    upstream = Upstream()
    upstream.server = Loopback(upstream, token=None)
    return upstream
