"""`aistack org check`: the profile validated, then every URL in it tried, the way engineers' aistack will.

No login is needed (a platform team checks a profile before anyone signs in): the IdP's discovery document must
name exactly the profile's issuer with https endpoints (loopback excepted, as everywhere in aistack); the gateway
and the other URLs must answer without a server error (a 401 or 403 without a token is an answer); each remote MCP
server must complete a real MCP handshake, or refuse it with a 401 when it is token-protected. Every request goes
through `aistack.wire` (same-origin redirects only, deadlines, size bounds), as aistack's own clients do; the MCP
handshake is the doctor's (`doctor.network.check_remote`).
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from typing import Any

from aistack import wire
from aistack.doctor.model import FAIL, OK, SKIP, WARN, Result, State, one_line
from aistack.doctor.network import check_remote
from aistack.errors import AistackError
from aistack.paths import Env
from aistack.profile import Profile, load, url_problem

SCHEMA = "aistack.org-check/v1"
DISCOVERY = "/.well-known/openid-configuration"


def _get(url: str, timeout: float):
    import httpx

    from aistack.auth.http import ssl_context

    with wire.client(httpx, timeout=timeout, verify=ssl_context()) as client:
        return wire.fetch(client, "GET", url, within=timeout, headers={"Accept": "application/json"})


def _reach(rid: str, title: str, url: str, timeout: float) -> tuple[Result | None, Any]:
    """(a failed Result, None) or (None, the response)."""
    import httpx

    try:
        return None, _get(url, timeout)
    except (httpx.TimeoutException, wire.TooSlow):
        return Result(rid, title, FAIL, f"{url} did not answer within {timeout:g} s",
                      "Check that the server is up and reachable from engineers' networks."), None
    except AistackError as e:
        return Result(rid, title, FAIL, one_line(e.message).rstrip("."), e.hint or ""), None
    except httpx.HTTPError as e:
        return Result(rid, title, FAIL, f"cannot reach {url}: {e.__class__.__name__}",
                      "Check the URL in the org profile and that the server is up."), None


def check_idp(profile: Profile, timeout: float) -> Result:
    rid, title = "idp", "IdP discovery"
    if profile.auth is None:
        return Result(rid, title, SKIP, "the org profile has no [auth]")
    issuer = profile.auth.issuer
    url = issuer.rstrip("/") + DISCOVERY
    failed, response = _reach(rid, title, url, timeout)
    if failed or response is None:
        return failed or Result(rid, title, FAIL, f"{url}: no answer")
    if response.status_code != 200:
        return Result(rid, title, FAIL, f"{url} answered HTTP {response.status_code}",
                      "Check auth.issuer: it must be the issuer whose discovery document is at this URL.")
    try:
        meta = wire.loads(response.content)
        if not isinstance(meta, dict):
            raise ValueError
    except ValueError:
        return Result(rid, title, FAIL, f"{url} did not send a JSON object",
                      "Check auth.issuer: this URL is not an OpenID provider's discovery document.")
    if meta.get("issuer") != issuer:
        return Result(rid, title, FAIL, f"{url} names the issuer {meta.get('issuer')!r}, not {issuer!r}",
                      "Set auth.issuer to exactly the issuer the IdP names (OpenID Connect Discovery §4.3).")
    problems = []
    if not meta.get("token_endpoint"):
        problems.append("no token_endpoint")
    flows = [k for k in ("device_authorization_endpoint", "authorization_endpoint") if meta.get(k)]
    if not flows:
        problems.append("neither a device_authorization_endpoint nor an authorization_endpoint")
    for key in ("token_endpoint", *flows, "revocation_endpoint", "jwks_uri"):
        value = meta.get(key)
        if value is not None and (not isinstance(value, str) or url_problem(value)):
            problems.append(f"{key} {value!r} is not an https:// URL")
    if problems:
        return Result(rid, title, FAIL, f"{url}: " + "; ".join(problems),
                      "Fix the IdP's configuration (see the README, \"IdP client registration\").")
    if not meta.get("revocation_endpoint"):
        return Result(rid, title, WARN, f"{url}: no revocation_endpoint, so `aistack logout` cannot revoke at the IdP",
                      "Enable token revocation in the IdP.")
    return Result(rid, title, OK, f"{url}: issuer matches; {', '.join(f.split('_')[0] for f in flows)} flow")


def check_url(rid: str, title: str, url: str, timeout: float) -> Result:
    """Reachable: any answer but a server error (a 401/403 without a token is what a protected API says)."""
    failed, response = _reach(rid, title, url, timeout)
    if failed:
        return failed
    code = response.status_code
    if code >= 500:
        return Result(rid, title, FAIL, f"{url} answered HTTP {code}",
                      "The server is failing: check it, or the URL in the org profile.")
    if code == 404:
        return Result(rid, title, WARN, f"{url} answered HTTP 404", "Check the URL in the org profile.")
    return Result(rid, title, OK, f"{url} answers (HTTP {code})")


def check_server(server, state: State) -> Result:
    rid, title = f"mcp:{server.name}", f"MCP server {server.name}"
    if server.kind == "stdio":
        return Result(rid, title, SKIP, f"stdio: `{server.command}` runs on each engineer's machine"
                      " (`aistack doctor` there checks it is on PATH)")
    result = check_remote(server, state, probe=True)
    if result.status == OK and server.auth == "token" and "initialized" in result.detail:
        return Result(rid, title, WARN, f"{server.url} completed the MCP handshake without any token, though the"
                      " profile says auth = \"token\"", "Protect the server, or set its auth to \"none\".")
    return result


def checks(profile: Profile, env: Env, timeout: float) -> list[tuple[str, Callable[[], Result]]]:
    state = State(env=env, profile=profile, timeout=timeout)
    found: list[tuple[str, Callable[[], Result]]] = [("idp", lambda: check_idp(profile, timeout))]
    gw = profile.gateway
    if gw is not None:
        found.append(("gateway", lambda: check_url("gateway", "gateway", gw.url.rstrip("/") + "/v1/models", timeout)))
        if gw.usage_url:
            usage_url = gw.usage_url
            found.append(("usage", lambda: check_url("usage", "usage API", usage_url, timeout)))
        for name, base in sorted(gw.providers.items()):
            if base != gw.url:
                found.append((f"provider:{name}", functools.partial(check_url, f"provider:{name}",
                                                                     f"{name} route", base, timeout)))
    for server in profile.mcp_servers:
        found.append((f"mcp:{server.name}", functools.partial(check_server, server, state)))
    template = profile.templates.get("agents_md")
    if template and "://" in template:
        found.append(("template", lambda: check_url("template", "AGENTS.md template", template, timeout)))
    return found


def run(org: str, env: Env, *, timeout: float = 10.0) -> tuple[Profile | None, list[Result]]:
    """The profile's check, then every URL's, concurrently (threads, each bounded by `timeout`)."""
    started = time.monotonic()
    try:
        profile = load(org)
    except AistackError as e:
        return None, [Result("profile", "org profile", FAIL, one_line(e.message), e.hint or "")]
    results = [Result("profile", "org profile", OK, f"{profile.source}: valid (schema 1, {profile.org_name})",
                      seconds=time.monotonic() - started)]
    todo = checks(profile, env, timeout)
    slots: list[Result | None] = [None] * len(todo)

    def one(i: int, rid: str, fn: Callable[[], Result]) -> None:
        t0 = time.monotonic()
        try:
            result = fn()
        except Exception as e:
            result = Result(rid, rid, FAIL, f"the check itself failed: {e.__class__.__name__}: {one_line(str(e))}")
        result.seconds = time.monotonic() - t0
        slots[i] = result

    threads = [threading.Thread(target=one, args=(i, rid, fn), daemon=True) for i, (rid, fn) in enumerate(todo)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + timeout * 3
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    for i, (rid, _fn) in enumerate(todo):
        results.append(slots[i] or Result(rid, rid, FAIL, f"no answer within {timeout * 3:g} s"))
    return profile, results


def payload(profile: Profile | None, results: list[Result]) -> dict:
    failed = [r.id for r in results if r.status == FAIL]
    return {"schema": SCHEMA, "org": profile.org_name if profile else None,
            "source": profile.source if profile else None, "results": [r.to_json() for r in results],
            "failed": failed, "summary": {s: sum(r.status == s for r in results) for s in (OK, WARN, FAIL, SKIP)}}
