"""`aistack doctor`: every part of the setup checked, each with a status, a one-line detail and a one-line fix.

The registry is two lists: checks that run first, in order (each may set what later ones use: the profile, the
token), then independent checks run concurrently, each bounded in time, all of them within an overall bound.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, TypeVar

from aistack.doctor.model import FAIL, OK, SKIP, STATUSES, WARN, Result, State  # noqa: F401
from aistack.paths import Env

Check = Callable[[State], Result]
T = TypeVar("T")


def sequential() -> list[Check]:
    from aistack.doctor import local

    return [local.check_profile, local.check_login, local.check_token, local.check_keyring]


def _offline(rid: str, title: str, what: str) -> tuple[str, str, Check]:
    return rid, title, lambda s: Result(rid, title, SKIP, f"{what} not contacted (offline)")


def concurrent(state: State) -> list[tuple[str, str, Check]]:
    """(id, title, check) for every independent check this profile calls for; offline, only the local ones."""
    from aistack.assistants import registry
    from aistack.doctor import assistants, layers, network, relay

    profile = state.org_profile
    gateway = profile.gateway.url if profile.gateway else "the gateway"
    checks: list[tuple[str, str, Check]] = [
        _offline("clock", "clock skew", "no server") if state.offline else ("clock", "clock skew", network.check_clock),
        _offline("gateway", "gateway", gateway) if state.offline else ("gateway", "gateway", network.check_gateway)]
    if relay.in_use(state):
        checks.append(_offline("relay", "relay", "the relay") if state.offline
                      else ("relay", "relay", relay.check_relay))
    for server in profile.mcp_servers:
        rid, title = f"mcp:{server.name}", f"MCP server {server.name}"
        if state.offline and server.kind != "stdio":
            checks.append(_offline(rid, title, server.url or server.name))
            continue
        checks.append((rid, title, _bound(network.check_server, server)))
    for name in assistants.detected(state):
        checks.append((f"assistant:{name}", name, _bound(assistants.check_assistant, name)))
        if registry.get(name).MANAGED:
            checks.append((f"layers:{name}", f"{name} layers", _bound(layers.check_layers, name)))
    return checks


def _bound(check: Callable[[T, State], Result], subject: T) -> Check:
    """The check of one subject (a server, an assistant)."""
    return lambda s: check(subject, s)


def _timed(check: Check, state: State, rid: str, title: str) -> Result:
    started = time.monotonic()
    try:
        result = check(state)
    except Exception as e:
        from aistack.errors import AistackError

        message = e.message if isinstance(e, AistackError) else f"{e.__class__.__name__}: {e}"
        result = Result(rid, title, FAIL, " ".join(message.split()),
                        getattr(e, "hint", None) or "Run `aistack --debug doctor` and report it.")
    result.seconds = time.monotonic() - started
    return result


def run(env: Env, org: str | None, *, timeout: float = 10.0, overall: float = 30.0,
        offline: bool = False) -> tuple[State, list[Result]]:
    state = State(env=env, org=org, timeout=timeout, offline=offline)
    results: list[Result] = []
    for check in sequential():
        if state.profile is None and results:
            name = check.__name__.removeprefix("check_")
            results.append(Result(name, name, SKIP, "no usable org profile"))
            continue
        results.append(_timed(check, state, check.__name__.removeprefix("check_"), check.__name__))
    if state.profile is None:
        return state, results
    # Daemon threads, not a pool: a check stuck past the overall bound must not hold up the exit.
    todo = concurrent(state)
    done: dict[int, Result] = {}
    threads = []
    for i, (rid, title, check) in enumerate(todo):
        worker = threading.Thread(target=lambda i=i, rid=rid, title=title, check=check:
                                  done.__setitem__(i, _timed(check, state, rid, title)),
                                  name=f"aistack-doctor-{rid}", daemon=True)
        worker.start()
        threads.append(worker)
    deadline = time.monotonic() + overall
    for worker in threads:
        worker.join(max(0.0, deadline - time.monotonic()))
    for i, (rid, title, _check) in enumerate(todo):
        results.append(done.get(i) or Result(rid, title, FAIL, f"no answer within {overall:g} s",
                                             "Check your network, VPN or proxy."))
    return state, results


def payload(state: State, results: list[Result]) -> dict:
    counts = {s: sum(r.status == s for r in results) for s in STATUSES}
    profile = state.profile
    return {"schema": "aistack.doctor/v1", "ok": counts[FAIL] == 0, "offline": state.offline,
            "org": profile.org_name if profile else None, "profile": profile.source if profile else None,
            "summary": counts, "failed": [r.id for r in results if r.status == FAIL],
            "checks": [r.to_json() for r in results]}
