"""The checks every request passes before the relay looks at its route: it comes from this user's assistants on
this machine, not from a web page.

- Host must name the loopback interface on the relay's port: a DNS-rebinding page reaches 127.0.0.1 under its
  own host name, and is refused here.
- No Origin header, no cross-site Sec-Fetch-Site: browsers send them; the assistants' HTTP clients (Node, Bun,
  Rust, Python) do not.
- A POST must say `Content-Type: application/json`: a page may send a form or text/plain without asking, but
  JSON only after a CORS preflight, which the relay answers without any CORS header, so the browser stops there.
- Only the methods the APIs use.
"""

from __future__ import annotations

from collections.abc import Mapping

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
METHODS = ("GET", "POST", "DELETE", "HEAD")
BODY_METHODS = ("POST",)


def host_ok(host: str | None, port: int) -> bool:
    if not host:
        return False
    name, sep, given = host.rpartition(":") if not host.endswith("]") else (host, "", "")
    if not sep:
        name, given = host, ""
    if given and given != str(port):
        return False
    return name.lower() in LOOPBACK_NAMES


def problem(method: str, headers: Mapping[str, str], port: int) -> tuple[int, str] | None:
    """(status, why) when the request must be refused, else None. `headers` keys are lower case."""
    if not host_ok(headers.get("host"), port):
        return 421, (f"Host {headers.get('host')!r} is not this relay (127.0.0.1:{port}); requests under another "
                     "name are refused (DNS rebinding)")
    if "origin" in headers or headers.get("sec-fetch-site") in ("cross-site", "same-site"):
        return 403, "requests from web pages are refused"
    if method not in METHODS:
        return 405, f"method {method} is not forwarded"
    if method in BODY_METHODS:
        media = headers.get("content-type", "").split(";")[0].strip().lower()
        if media != "application/json" and not media.endswith("+json"):
            return 415, f"a {method} must carry JSON (Content-Type: application/json), not {media or 'nothing'}"
    return None
