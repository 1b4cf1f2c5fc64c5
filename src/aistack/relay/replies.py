"""The relay's own answers, each in the shape its client reads, so the assistant shows the message as it is.

Model routes answer in the API's own error shape (Anthropic, OpenAI, Gemini), so the assistant prints the
message ("run `aistack login`"). MCP routes never answer 401: on a 401 Claude Code, Copilot and OpenCode start
their own OAuth discovery against the relay; a JSON-RPC error for each request carries the message instead.
"""

from __future__ import annotations

import json
from typing import Any

LOGIN_GONE = ("aistack: you are not logged in, or your login has expired or was revoked: run `aistack login` in a "
              "terminal, then try again (this session keeps working after that).")
JSONRPC_SERVER_ERROR = -32000

Reply = tuple[int, dict[str, str], bytes]  # status, headers, body


def _json(status: int, payload: Any) -> Reply:
    return status, {"content-type": "application/json"}, json.dumps(payload).encode()


def model_error(provider: str, status: int, message: str) -> Reply:
    """An error in the shape of `provider`'s API: what its SDK parses and the assistant prints."""
    if provider == "anthropic":
        kind = "authentication_error" if status == 401 else "api_error"
        return _json(status, {"type": "error", "error": {"type": kind, "message": message}})
    if provider == "google":
        code = {401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 400: "INVALID_ARGUMENT"}.get(
            status, "UNAVAILABLE")
        return _json(status, {"error": {"code": status, "message": message, "status": code}})
    kind = "authentication_error" if status == 401 else "api_error"
    return _json(status, {"error": {"message": message, "type": kind, "code": None, "param": None}})


def _ids(body: bytes) -> list[Any] | None:
    """The ids of the JSON-RPC requests in a body (a message or a batch); None when it is not JSON-RPC."""
    try:
        message = json.loads(body)
    except ValueError:
        return None
    batch = message if isinstance(message, list) else [message]
    if not all(isinstance(m, dict) for m in batch):
        return None
    return [m["id"] for m in batch if "id" in m and "method" in m]


def mcp_error(method: str, body: bytes, message: str) -> Reply:
    """A JSON-RPC error answering every request in `body` (HTTP 200), 202 for notifications only, and for the
    session's other calls what the streamable HTTP transport allows: no event stream (405), nothing to end (204)."""
    if method == "GET":
        return _json(405, {"error": {"message": message}})
    if method == "DELETE":
        return 204, {}, b""
    ids = _ids(body)
    if ids is None:
        return _json(400, {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": message}})
    if not ids:
        return 202, {}, b""
    errors = [{"jsonrpc": "2.0", "id": i, "error": {"code": JSONRPC_SERVER_ERROR, "message": message}} for i in ids]
    return _json(200, errors if len(errors) > 1 or body.lstrip().startswith(b"[") else errors[0])


def otlp_error(status: int, message: str) -> Reply:
    """An OTLP/HTTP error (a google.rpc.Status in JSON): the exporter logs the message and drops the batch."""
    return _json(status, {"code": 16 if status == 401 else 14, "message": message})


def refused(status: int, message: str) -> Reply:
    """A request the relay will not forward at all (wrong host, origin, user, route): a plain JSON error."""
    return _json(status, {"error": {"message": f"aistack relay: {message}"}})
