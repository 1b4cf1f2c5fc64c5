"""What crosses the network, for every HTTP client aistack has: one origin, bounded time and size, strict JSON,
and no secret in what is printed.

- `fetch` follows a redirect only within the origin (scheme, host and port) of the URL asked, so a token or a
  custom token header can never be carried to another host; any other redirect is refused with a message.
- Each response must arrive whole within a deadline (`within` seconds, and never past `until`): a server that
  trickles a byte every few seconds, in its headers or its body, is cut off at the deadline, not only when one
  read stalls. A body larger than `max_bytes` is refused.
- `loads` decodes JSON without NaN or Infinity and without a crash on absurd nesting.
- `scrub` takes a secret out of text before it is shown, including text a server sent.

httpx is imported lazily: `aistack token` never loads this module.
"""

from __future__ import annotations

import json
import math
import threading
import time
from typing import TYPE_CHECKING, Any, Iterable
from urllib.parse import quote, urlsplit

from aistack.errors import AistackError

if TYPE_CHECKING:
    import httpx

MAX_REDIRECTS = 5
RESPONSE_SECONDS = 60.0  # a whole response, headers and body: far more than any page of usage needs
MAX_BYTES = 64 * 1024 * 1024  # no usage page, profile or template comes near this
REDACTED = "[redacted]"

_deadline = threading.local()  # the absolute (monotonic) deadline of the request this thread is sending


class RedirectRefused(AistackError):
    """A redirect to another origin (or with credentials in it): not followed, nothing sent there."""


class TooSlow(AistackError):
    """The response did not arrive whole before its deadline."""


class TooLarge(AistackError):
    """The response body was larger than aistack reads."""


def origin(url: Any) -> tuple[str, str, int | None]:
    """(scheme, host, port) with the scheme's default port made explicit, for an httpx URL or a string."""
    parts = urlsplit(str(url))
    scheme = parts.scheme.lower()
    port = parts.port or {"https": 443, "http": 80}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port


def same_origin(a: Any, b: Any) -> bool:
    return origin(a) == origin(b)


def shown(url: Any) -> str:
    """A URL for a message: scheme, host, port and path; never userinfo, query or fragment."""
    parts = urlsplit(str(url))
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def client(httpx_module: Any = None, **kwargs: Any):
    """An httpx.Client whose connections honour `fetch`'s deadline on every read and write. Redirects are never
    followed by httpx itself: `fetch` follows the ones within the origin."""
    httpx = httpx_module or _httpx()
    kwargs.setdefault("follow_redirects", False)
    transport = httpx.HTTPTransport(verify=kwargs.pop("verify", True), limits=kwargs.pop("limits", httpx.Limits()),
                                    trust_env=kwargs.get("trust_env", True))
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if pool is not None and backend is not None:
        # httpcore's pool: wrap its sockets, so a header that trickles is cut off too (tests/usage: trickle tests)
        pool._network_backend = _DeadlineBackend(backend)
    return httpx.Client(transport=transport, **kwargs)


def fetch(http_client: Any, method: str, url: str, *, follow: bool = True, within: float = RESPONSE_SECONDS,
          until: float | None = None, max_bytes: int = MAX_BYTES, **kwargs: Any) -> httpx.Response:
    """Send a request and read the whole response; return it as a read httpx.Response.

    Redirects within the URL's origin are followed (at most MAX_REDIRECTS) when `follow`; a redirect elsewhere
    raises RedirectRefused. The response must be complete within `within` seconds and before `until` (a
    time.monotonic() value), else TooSlow; a body over `max_bytes` raises TooLarge. httpx's own errors
    (timeouts, connection failures) propagate for the caller to word.
    """
    httpx = _httpx()
    now = time.monotonic()
    deadline = now + within if until is None else min(now + within, until)
    request = http_client.build_request(method, url, **kwargs)
    home = origin(request.url)
    for _hop in range(MAX_REDIRECTS + 1):
        response = _send(http_client, request, deadline, deadline - now, max_bytes, httpx)
        nxt = response.next_request if follow else None
        if nxt is None:
            return response
        if origin(nxt.url) != home or nxt.url.userinfo:
            raise RedirectRefused(
                f"{shown(request.url)} redirected to {shown(nxt.url)}; aistack follows redirects only within"
                f" {home[0]}://{request.url.host}{'' if request.url.port is None else f':{request.url.port}'},"
                " so nothing was sent there.",
                hint="Ask your platform team to serve this URL without a redirect to another host, or put the"
                     " final URL in the org profile.")
        request = nxt
    raise RedirectRefused(f"{shown(url)} redirected more than {MAX_REDIRECTS} times.",
                          hint="Ask your platform team to check the server's redirects.")


def _send(http_client: Any, request: Any, deadline: float, seconds: float, max_bytes: int,
          httpx: Any) -> httpx.Response:
    if deadline - time.monotonic() <= 0:
        raise TooSlow(f"{shown(request.url)}: no time was left to ask it.")
    _deadline.at = deadline
    try:
        response = http_client.send(request, stream=True)
        try:
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge(f"{shown(request.url)} sent more than {max_bytes // (1024 * 1024)} MB;"
                                   " aistack does not read that much.",
                                   hint="Check the URL in the org profile with your platform team.")
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("deadline", request=request)
        finally:
            response.close()
    except httpx.TimeoutException:
        if time.monotonic() >= deadline - 0.05:  # the deadline cut it off, not one stalled read
            raise TooSlow(f"{shown(request.url)} did not send its whole answer within {seconds:.0f} s.",
                          hint="The server may be overloaded; try again later.") from None
        raise
    finally:
        _deadline.at = None
    headers = [(k, v) for k, v in response.headers.multi_items()
               if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")]
    read = httpx.Response(response.status_code, headers=headers, content=b"".join(chunks), request=request,
                          extensions={"http_version": response.extensions.get("http_version", b"HTTP/1.1")})
    read.next_request = response.next_request
    return read


def loads(text: str | bytes) -> Any:
    """JSON as a server sent it, decoded so that nothing downstream can crash on it: NaN, Infinity and numbers too
    large for a float (which Python's own encoder emits, though JSON has none) become null, i.e. unknown; nesting
    too deep to decode raises ValueError, never RecursionError."""
    try:
        return json.loads(text, parse_constant=_unknown, parse_float=_finite)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def _unknown(_name: str) -> None:
    return None


def _finite(text: str) -> float | None:
    value = float(text)
    return value if math.isfinite(value) else None


def scrub(text: str, secrets: Iterable[str | None]) -> str:
    """`text` without any of `secrets` (as sent, URL-encoded or JSON-escaped). Secrets shorter than 8 characters
    are left alone: too short to be a token, and replacing them would garble ordinary words."""
    if not text:
        return text
    for secret in secrets:
        if not secret or len(secret) < 8:
            continue
        for form in {secret, quote(secret, safe=""), json.dumps(secret)[1:-1]}:
            if form in text:
                text = text.replace(form, REDACTED)
    return text


def _httpx():
    import httpx

    return httpx


class _DeadlineBackend:
    """httpcore's network backend, with every read and write bounded by the calling thread's deadline."""

    def __init__(self, inner: Any):
        self._inner = inner

    def connect_tcp(self, *args: Any, **kwargs: Any):
        return _DeadlineStream(self._inner.connect_tcp(*args, **kwargs))

    def connect_unix_socket(self, *args: Any, **kwargs: Any):
        return _DeadlineStream(self._inner.connect_unix_socket(*args, **kwargs))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _DeadlineStream:
    def __init__(self, inner: Any):
        self._inner = inner

    @staticmethod
    def _bound(timeout: float | None, error: str) -> float | None:
        at = getattr(_deadline, "at", None)
        if at is None:
            return timeout
        remaining = at - time.monotonic()
        if remaining <= 0:
            import httpcore

            raise getattr(httpcore, error)("the response deadline has passed")
        return remaining if timeout is None else min(timeout, remaining)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._bound(timeout, "ReadTimeout"))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._bound(timeout, "WriteTimeout"))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None):
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, self._bound(timeout,
                                                                                              "ConnectTimeout")))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)
