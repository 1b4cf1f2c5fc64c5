"""The relay, when an assistant set up here names it: its service installed as `aistack setup` wrote it, something
answering on its port, that something ours (not another user who took the port first), serving this profile."""

from __future__ import annotations

import os
import sys

from aistack.doctor.model import FAIL, OK, WARN, Result, State

TITLE = "relay"


def in_use(state: State) -> bool:
    from aistack.relay import local, service

    _, present = service.installed(state.env, local.port(state.env))
    return bool(local.load_state(state.env).get("users")) or bool(present)


def check_relay(state: State) -> Result:
    from aistack.relay import local, peer, service

    env, profile = state.env, state.profile
    assert profile is not None  # checked after the profile check succeeded
    users = local.load_state(env).get("users") or []
    port = local.port(env)
    url = local.base_url(port)
    fix_setup = f"Run `aistack setup {' '.join(users)}` again." if users else "Run `aistack setup` again."
    notes = []
    if env.var(local.SERVICE_VAR) in ("off", "0", "no"):
        notes.append(f"no service ({local.SERVICE_VAR}=off)")
    else:
        wrong, _ = service.installed(env, port)
        if wrong:
            return Result("relay", TITLE, FAIL, f"the relay's service file {wrong[0]} is missing or was changed",
                          fix_setup)
    if sys.platform.startswith("linux"):
        owner = peer.linux_listener_owner(port)
        if owner is not None and owner != os.getuid():
            return Result("relay", TITLE, FAIL, f"{url} is taken by another user (uid {owner}): your assistants' "
                          "traffic would go to them", f"Set {local.PORT_VAR} to a free port, then {fix_setup[4:]}")
    found = local.ping(port, timeout=min(state.timeout, 10.0))
    if found is None:
        return Result("relay", TITLE, FAIL, f"nothing answers on {url} ({', '.join(users) or 'no assistant'} "
                      "will fail to reach the gateway and MCP servers)",
                      "Run `aistack relay start` (the installed service starts it on demand).")
    want = {s.name for s in profile.mcp_servers if s.kind == "http" and s.auth != "oauth"}
    served = set((found.get("routes") or {}).get("mcp") or [])
    who = f"{url} answers (pid {found.get('pid')}, serving {found.get('user')}) for {', '.join(users) or 'nobody'}"
    if found.get("org") != profile.org_name or served != want:
        return Result("relay", TITLE, WARN, f"{who}, but for another org profile ({found.get('org')}: "
                      f"{', '.join(sorted(served)) or 'no MCP servers'})",
                      "The relay serves the remembered profile: `aistack setup --org ...` remembers this one.")
    return Result("relay", TITLE, OK, "; ".join([who, *notes]))
