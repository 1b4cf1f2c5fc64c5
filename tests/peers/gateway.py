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
import time
from dataclasses import dataclass, field

from support.http import Loopback, Reply, Seen

ERROR = {"error": {"type": "invalid_request_error", "message": "aistack test gateway"}}


REPLY = "Hello from the test gateway."


@dataclass
class Request:
    method: str
    path: str  # as sent, with the query
    headers: dict[str, str]  # names lower-cased
    body: dict = field(default_factory=dict)

    @property
    def tools(self) -> list[str]:
        """The tool names offered to the model (OpenAI `tools[].function.name`)."""
        return [(t.get("function") or {}).get("name") or t.get("name") for t in self.body.get("tools") or []]


class Gateway:
    def __init__(self, answer: bool = False):
        self.answering = answer
        self.server = Loopback(self.answer, token=None)
        self.port = self.server.port
        self.url = self.server.url

    @property
    def requests(self) -> list[Request]:
        return [Request(s.method, s.target, s.headers, body if isinstance(body := s.json(), dict) else {})
                for s in self.server.seen]

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def stop(self) -> None:
        self.server.close()

    def answer(self, seen: Seen) -> Reply:
        if self.answering and seen.path.rstrip("/").endswith("/models"):
            return Reply(200, {"object": "list", "data": [{"id": "test-model"}]})
        if self.answering and seen.path.endswith("/chat/completions"):
            return _completion(seen.json() or {})
        return Reply(400, ERROR)


def _completion(body: dict) -> Reply:
    base = {"id": "c1", "created": int(time.time()), "model": body.get("model") or "test-model"}
    usage = {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8}
    if not body.get("stream"):
        message = {"role": "assistant", "content": REPLY}
        return Reply(200, {**base, "object": "chat.completion", "usage": usage, "choices": [
            {"index": 0, "message": message, "finish_reason": "stop"}]})
    chunks = [{**base, "object": "chat.completion.chunk",
               "choices": [{"index": 0, "delta": {"role": "assistant", "content": REPLY}, "finish_reason": None}]},
              {**base, "object": "chat.completion.chunk", "usage": usage,
               "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}]
    events = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"
    return Reply(200, events, headers={"Content-Type": "text/event-stream"})


def start(answer: bool = False) -> Gateway:
    return Gateway(answer)
