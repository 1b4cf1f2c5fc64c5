"""HTTP for the usage backends: timeouts, retries with backoff honouring Retry-After, a bounded page pool.

Every wait goes through `HttpConfig.time_scale`, so tests shrink waits by a parameter instead of
patching the clock.
"""

from __future__ import annotations

import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Callable, Iterable, Iterator, TypeVar

from aistack.errors import AistackError, ExitCode

T = TypeVar("T")
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class HttpConfig:
    timeout: float = 20.0  # seconds per request phase, so a stuck gateway cannot hang the terminal
    retries: int = 3  # extra attempts after the first, on 429, 5xx, timeouts and dropped connections
    backoff: float = 0.5  # first wait in seconds; doubles on each retry
    max_wait: float = 60.0  # a Retry-After longer than this is not worth waiting for
    time_scale: float = 1.0  # multiplies every wait
    workers: int = 4  # pages fetched at once


class HttpError(AistackError):
    """An HTTP answer aistack cannot use; `status` is None for network failures."""

    def __init__(self, message: str, status: int | None, hint: str | None = None,
                 exit_code: int = ExitCode.PROBLEM):
        super().__init__(message, hint, exit_code)
        self.status = status


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


class Http:
    """One connection pool to one gateway, with the engineer's token on every request."""

    def __init__(self, headers: dict[str, str], config: HttpConfig | None = None,
                 sleep: Callable[[float], None] = time.sleep):
        import httpx

        self.config = config or HttpConfig()
        self._sleep = sleep
        self._httpx = httpx
        limits = httpx.Limits(max_connections=max(1, self.config.workers), max_keepalive_connections=self.config.workers)
        self.client = httpx.Client(headers={"Accept": "application/json", **headers},
                                   timeout=self.config.timeout, limits=limits, follow_redirects=True)
        self.requests = 0
        self.retried = 0

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "Http":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def wait(self, seconds: float) -> None:
        self._sleep(seconds * self.config.time_scale)

    def get_json(self, url: str, params: Any = None) -> Any:
        """GET and decode JSON, retrying what is worth retrying; raise HttpError with the URL otherwise."""
        httpx = self._httpx
        cfg = self.config
        problem = ""
        for attempt in range(cfg.retries + 1):
            if attempt:
                self.retried += 1
            wait = cfg.backoff * (2 ** attempt)
            try:
                self.requests += 1
                response = self.client.get(url, params=params)
            except httpx.TimeoutException:
                problem = f"no answer within {cfg.timeout:g}s"
            except httpx.TransportError as e:
                problem = f"{e.__class__.__name__}: {e}"
            else:
                status = response.status_code
                if status < 300:
                    try:
                        return response.json()
                    except ValueError:
                        raise HttpError(f"{url} answered HTTP {status} with a body that is not JSON"
                                        f" ({_snippet(response.text)}).", status,
                                        hint="The usage URL may point at the wrong service; check"
                                             " `gateway.usage_url` in the org profile.") from None
                if status == 401:
                    raise HttpError(f"the gateway refused your token at {url} (HTTP 401): the login is gone"
                                    " or has expired.", status, hint="Run `aistack login`, then try again.",
                                    exit_code=ExitCode.LOGIN_NEEDED)
                if status not in RETRY_STATUS:
                    raise HttpError(f"{url} answered HTTP {status}{_detail(response)}.", status,
                                    hint=_hint(status))
                problem = f"HTTP {status}{_detail(response)}"
                after = retry_after_seconds(response.headers.get("Retry-After"))
                if after is not None:
                    if after > cfg.max_wait:
                        raise HttpError(f"{url} asks to retry in {after:.0f}s (HTTP {status}); not waiting that long.",
                                        status, hint="Try again later.")
                    wait = after
            if attempt < cfg.retries:
                self.wait(min(wait, cfg.max_wait))
        raise HttpError(f"{url}: {problem} (after {cfg.retries + 1} attempts).", None,
                        hint="The gateway may be overloaded or unreachable; try again later.")

    def pages(self, fetch: Callable[[int], T], numbers: Iterable[int]) -> Iterator[tuple[int, T | AistackError]]:
        """Fetch pages concurrently (at most `workers` at once) and yield them in page order.

        A page that fails is yielded as its error, so the caller can report partial data; at most
        2 x workers pages are held in memory at any time.
        """
        window = max(1, self.config.workers) * 2
        with ThreadPoolExecutor(max_workers=max(1, self.config.workers), thread_name_prefix="usage-page") as pool:
            pending: deque = deque()
            it = iter(numbers)

            def top_up() -> None:
                while len(pending) < window:
                    try:
                        n = next(it)
                    except StopIteration:
                        return
                    pending.append((n, pool.submit(fetch, n)))

            top_up()
            try:
                while pending:
                    n, future = pending.popleft()
                    try:
                        result: Any = future.result()
                    except AistackError as e:
                        result = e
                    top_up()
                    yield n, result
            finally:
                for _, future in pending:
                    future.cancel()


def _snippet(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text[:limit] + ("…" if len(text) > limit else ""))


def _detail(response: Any) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    message = None
    if isinstance(body, dict):
        err = body.get("error") or body.get("errors") or body.get("detail") or body.get("message")
        if isinstance(err, list) and err:
            err = err[0]
        if isinstance(err, dict):
            err = err.get("message") or err.get("detail")
        message = err if isinstance(err, str) else None
    return f": {message[:200]}" if message else ""


def _hint(status: int) -> str:
    if status == 403:
        return "Your login works, but this gateway does not let your account read this usage; ask your platform team."
    if status == 404:
        return "This gateway does not offer this usage endpoint; check `gateway.usage` and `gateway.usage_url`."
    if status == 400:
        return "The gateway rejected the query; it may be an older or newer version than aistack expects."
    return "Check the gateway's status, or ask your platform team."
