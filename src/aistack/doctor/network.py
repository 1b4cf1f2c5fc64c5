"""The checks that talk to the org's servers: clock skew, the gateway, each MCP server."""

from __future__ import annotations

import shutil
import time
from email.utils import parsedate_to_datetime

from aistack import wire
from aistack.doctor.model import FAIL, OK, SKIP, WARN, Result, State, one_line
from aistack.errors import AistackError
from aistack.profile import McpServer

SKEW_WARN = 60.0  # seconds: tokens carry second-resolution iat/exp, and IdPs allow a minute or so of leeway
SKEW_FAIL = 300.0  # beyond this, most token checks refuse outright
LOGIN_FIX = "Run `aistack login`."


def _client(timeout: float):
    import httpx

    from aistack.auth.http import ssl_context

    return wire.client(httpx, timeout=timeout, verify=ssl_context())


def _get(client, url: str, timeout: float, headers: dict[str, str] | None = None):
    """GET within `timeout` for the whole answer; redirects only within the URL's origin (aistack.wire)."""
    return wire.fetch(client, "GET", url, within=timeout, headers=headers)


def skew_of(date_header: str, sent: float, received: float) -> float:
    """Local clock minus the server's, in seconds. `Date` has one-second resolution, so the server's time is taken
    as the middle of its second, and ours as the middle of the exchange."""
    server = parsedate_to_datetime(date_header).timestamp() + 0.5
    return (sent + received) / 2 - server


def check_clock(state: State) -> Result:
    import httpx

    title = "clock skew"
    profile = state.org_profile
    urls = []
    if profile.auth:
        urls.append(profile.auth.issuer.rstrip("/") + "/.well-known/openid-configuration")
    if profile.gateway:
        urls.append(profile.gateway.url)
    if not urls:
        return Result("clock", title, SKIP, "the org profile names neither an IdP nor a gateway")
    problems = []
    with _client(state.timeout) as client:
        for url in urls:
            try:
                sent = time.time()
                response = _get(client, url, state.timeout)
                received = time.time()
            except httpx.HTTPError as e:
                problems.append(f"{url}: {e.__class__.__name__}")
                continue
            except AistackError as e:
                problems.append(e.message.rstrip("."))
                continue
            date = response.headers.get("date")
            if not date:
                problems.append(f"{url} sent no Date header")
                continue
            try:
                skew = skew_of(date, sent, received)
            except (TypeError, ValueError):
                problems.append(f"{url} sent an unreadable Date header")
                continue
            where = "ahead of" if skew > 0 else "behind"
            detail = f"this clock is {abs(skew):.0f} s {where} {url.split('/')[2]}"
            fix = "Turn on automatic time sync (NTP) for this machine's clock."
            if abs(skew) > SKEW_FAIL:
                return Result("clock", title, FAIL, detail + "; tokens will look expired or not yet valid", fix)
            if abs(skew) > SKEW_WARN:
                return Result("clock", title, WARN, detail + "; tokens may be refused", fix)
            return Result("clock", title, OK, f"within {max(1, round(abs(skew)))} s of {url.split('/')[2]}")
    return Result("clock", title, WARN, "could not compare clocks: " + "; ".join(problems),
                  "Check that the IdP and the gateway are reachable.")


def check_gateway(state: State) -> Result:
    """A cheap authenticated call: list the models. No model runs, nothing is billed."""
    import httpx

    title = "gateway"
    gw = state.org_profile.gateway
    if gw is None:
        return Result("gateway", title, SKIP, "the org profile has no [gateway]")
    url = gw.url.rstrip("/") + "/v1/models"
    if state.token is None:
        return Result("gateway", title, SKIP, f"{url} not tried: {state.token_problem or 'no token'}")
    headers = {**gw.headers, gw.token_header: gw.token_value(state.token)}
    try:
        with _client(state.timeout) as client:
            response = _get(client, url, state.timeout, headers)
    except (wire.RedirectRefused, wire.TooLarge) as e:
        return Result("gateway", title, FAIL, one_line(e.message).rstrip("."), e.hint or "")  # (both give one)
    except (httpx.TimeoutException, wire.TooSlow):
        return Result("gateway", title, FAIL, f"{url} did not answer within {state.timeout:g} s",
                      "Check your network, VPN or proxy.")
    except httpx.HTTPError as e:
        return Result("gateway", title, FAIL, f"cannot reach {url}: {e.__class__.__name__}",
                      "Check your network, VPN or proxy, and gateway.url in the org profile.")
    code = response.status_code
    if code in (401, 403):
        return Result("gateway", title, FAIL, f"{url} refused the token (HTTP {code})", LOGIN_FIX)
    if code == 404:
        return Result("gateway", title, WARN, f"{url} reachable, but it serves no model list (HTTP 404); the token "
                      "was not verified", "Ask your platform team whether the gateway URL is right.")
    if code != 200:
        return Result("gateway", title, FAIL, f"{url} answered HTTP {code}",
                      "Try again later; if it persists, tell your platform team.")
    try:
        count = len(wire.loads(response.content).get("data", []))
        what = f"{count} model{'s' if count != 1 else ''} listed"
    except (ValueError, AttributeError, TypeError):
        what = "answered"
    return Result("gateway", title, OK, f"{url} accepts the token: {what}")


def check_stdio(server: McpServer, state: State) -> Result:
    title = f"MCP server {server.name}"
    if server.command is None:
        raise AssertionError(f"the stdio server {server.name} has no command")
    found = shutil.which(server.command, path=state.env.environ.get("PATH"))
    if found is None:
        return Result(f"mcp:{server.name}", title, FAIL, f"stdio command `{server.command}` is not on PATH",
                      f"Install `{server.command}` (see your platform team's instructions), or fix PATH.")
    return Result(f"mcp:{server.name}", title, OK, f"stdio command `{server.command}` found: {found}")


def check_remote(server: McpServer, state: State, *, probe: bool = False) -> Result:
    """A real MCP initialize handshake, with the token when the server takes one. `probe` (`aistack org check`, no
    login needed): a token-protected server is asked without a token, and refusing it (401) counts as answering."""
    import anyio

    rid, title = f"mcp:{server.name}", f"MCP server {server.name}"
    if server.auth == "token" and state.token is None and not probe:
        return Result(rid, title, SKIP, f"{server.url} not tried: {state.token_problem or 'no token'}")
    try:
        info = anyio.run(_handshake, server, state)
    except _Refused as e:
        if server.auth == "oauth":
            return Result(rid, title, OK, f"{server.url} reachable; it asks for OAuth, which the assistant runs")
        if probe and server.auth == "token" and state.token is None:
            return Result(rid, title, OK, f"{server.url} ({server.kind}) answers, and refuses a request without a"
                          " token, as a token-protected server should")
        return Result(rid, title, FAIL, one_line(e.message), e.hint or LOGIN_FIX)
    except _Failed as e:
        return Result(rid, title, FAIL, one_line(e.message), e.hint or "Check your network and the org profile.")
    return Result(rid, title, OK, f"{server.url} ({server.kind}): initialized {info}")


class _Failed(Exception):
    def __init__(self, message: str, hint: str | None):
        super().__init__(message)
        self.message, self.hint = message, hint


class _Refused(_Failed):
    pass


async def _handshake(server: McpServer, state: State) -> str:
    import anyio

    from aistack.relay.remote import TokenAuth, connect, explain
    from aistack.relay.target import Target

    profile = state.org_profile
    token_header = None
    if server.auth == "token":
        token_header = profile.gateway.token_header if profile.gateway else "Authorization"
    if server.url is None:
        raise AssertionError(f"the remote server {server.name} has no url")
    target = Target(name=server.name, url=server.url, kind=server.kind, headers=dict(server.headers),
                    token_header=token_header)
    token = state.token
    auth = TokenAuth(target, lambda: token, token)  # a 401 "refreshes" to the same token: no second try
    where = f"MCP server {server.name!r} at {server.url}"
    try:
        with anyio.fail_after(state.timeout):
            async with connect(target, auth, None) as (_session, result):
                info = result.server_info
                name = " ".join(part for part in (info.name, info.version) if part)
                return f"{name}, protocol {result.protocol_version}"
    except TimeoutError:
        raise _Failed(f"{where} did not finish the MCP handshake within {state.timeout:g} s",
                      "Check the URL and transport (http or sse) in the org profile.") from None
    except Exception as e:
        error = explain(e, target, auth)
        if auth.rejected == 401 or (server.auth == "oauth" and auth.rejected == 403):
            raise _Refused(error.message, "Run `aistack login`." if server.auth == "token" else error.hint) from None
        raise _Failed(error.message, error.hint) from None


def check_server(server: McpServer, state: State) -> Result:
    return check_stdio(server, state) if server.kind == "stdio" else check_remote(server, state)
