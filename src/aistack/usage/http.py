"""HTTP for the usage backends: timeouts, retries with backoff honouring Retry-After, a bounded page pool, and a
budget per report (pages and seconds) past which the report is partial rather than endless.

Redirects, response deadlines and JSON decoding follow aistack.wire, like every HTTP client of aistack. Every wait
goes through `HttpConfig.time_scale`, so tests shrink waits by a parameter instead of patching the clock.
"""

from __future__ import annotations

import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Callable, Iterable, Iterator, TypeVar

from aistack import wire
from aistack.errors import AistackError, ExitCode

T = TypeVar("T")
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class HttpConfig:
    timeout: float = 20.0  # seconds per connect, read or write, so a stuck gateway cannot hang the terminal
    response_time: float = wire.RESPONSE_SECONDS  # one whole response, headers and body, however it trickles
    total_time: float = 300.0  # the whole report: every request, retry and wait (see MAX_PAGES)
    max_pages: int = 5000  # per report (see MAX_PAGES)
    retries: int = 3  # extra attempts after the first, on 429, 5xx, timeouts and dropped connections
    backoff: float = 0.5  # first wait in seconds; doubles on each retry
    max_wait: float = 60.0  # a Retry-After longer than this is not worth waiting for
    time_scale: float = 1.0  # multiplies every wait
    workers: int = 4  # pages fetched at once


# Why 5,000 pages and 5 minutes: 5,000 pages are 250,000 Cloudflare log rows at 50 a page (a year of an engineer
# at ~700 requests a day) or 5 million LiteLLM day-and-model rows; fetched 4 at a time they take about 2 minutes
# at a 100 ms round trip (bench/bench_usage.py reads 4,000 pages in 5-7 s on loopback). A gateway that asks
# for more (pages that say `has_more` forever, a claim of 10^9 pages) gets a report marked partial instead.


class HttpError(AistackError):
    """An HTTP answer aistack cannot use; `status` is None for network failures."""

    def __init__(self, message: str, status: int | None, hint: str | None = None,
                 exit_code: int = ExitCode.PROBLEM):
        super().__init__(message, hint, exit_code)
        self.status = status


class Stopped(HttpError):
    """aistack stopped reading pages: the report's page or time budget is spent. What was read is partial."""

    def __init__(self, reason: str):
        super().__init__(f"{reason}.", None, hint="Ask for a shorter period with --since/--until.")
        self.reason = reason


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
        limits = httpx.Limits(max_connections=max(1, self.config.workers),
                              max_keepalive_connections=self.config.workers)
        self.client = wire.client(httpx, headers={"Accept": "application/json", **headers},
                                  timeout=self.config.timeout, limits=limits)
        self.until = time.monotonic() + self.config.total_time  # the whole report's deadline
        self.requests = 0
        self.retried = 0

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "Http":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def wait(self, seconds: float) -> None:
        scaled = seconds * self.config.time_scale
        if time.monotonic() + scaled >= self.until:
            raise self.out_of_time()
        self._sleep(scaled)

    def out_of_time(self) -> Stopped:
        return Stopped(f"aistack stopped reading usage after {self.config.total_time:g} s, the most one report may"
                       " take")

    def stop_before(self, page: int) -> Stopped | None:
        """Why page `page` may not be fetched (the report's page or time budget is spent), or None."""
        if page > self.config.max_pages:
            return Stopped(f"{self.config.max_pages:,} pages are the most aistack reads for one report")
        if time.monotonic() >= self.until:
            return self.out_of_time()
        return None

    def get_json(self, url: str, params: Any = None) -> Any:
        """GET and decode JSON, retrying what is worth retrying; raise HttpError with the URL otherwise."""
        httpx = self._httpx
        cfg = self.config
        problem = ""
        for attempt in range(cfg.retries + 1):
            if attempt:
                self.retried += 1
            wait = cfg.backoff * (2 ** attempt)
            if time.monotonic() >= self.until:
                raise self.out_of_time()
            try:
                self.requests += 1
                response = wire.fetch(self.client, "GET", url, params=params, within=cfg.response_time,
                                      until=self.until)
            except wire.TooSlow as e:
                if time.monotonic() >= self.until - 0.05:
                    raise self.out_of_time() from None
                problem = e.message
            except (wire.RedirectRefused, wire.TooLarge) as e:
                raise HttpError(e.message, None, hint=e.hint) from None
            except httpx.TimeoutException:
                problem = f"no answer within {cfg.timeout:g}s"
            except httpx.TransportError as e:
                problem = f"{e.__class__.__name__}: {e}"
            else:
                status = response.status_code
                if status < 300:
                    try:
                        return wire.loads(response.content)
                    except ValueError:
                        raise HttpError(f"{url} answered HTTP {status} with a body that is not JSON aistack can"
                                        f" read ({_snippet(response.text)}).", status,
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
        2 x workers pages are held in memory at any time. When the report's page or time budget is spent,
        the first page not read is yielded as a `Stopped` error and nothing follows it.
        """
        window = max(1, self.config.workers) * 2
        with ThreadPoolExecutor(max_workers=max(1, self.config.workers), thread_name_prefix="usage-page") as pool:
            pending: deque = deque()
            it = iter(numbers)
            stopped: list[tuple[int, Stopped]] = []

            def top_up() -> None:
                while len(pending) < window and not stopped:
                    try:
                        n = next(it)
                    except StopIteration:
                        return
                    stop = self.stop_before(n)
                    if stop is not None:
                        stopped.append((n, stop))
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
                    if isinstance(result, Stopped):
                        yield n, result
                        return
                    top_up()
                    yield n, result
                if stopped:
                    yield stopped[0]
            finally:
                for _, future in pending:
                    future.cancel()


def _snippet(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text[:limit] + ("…" if len(text) > limit else ""))


def _detail(response: Any) -> str:
    try:
        body = wire.loads(response.content)
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
