"""`aistack run CMD`: CMD with AISTACK_TOKEN and, for an assistant that takes its gateway route from its environment
(Gemini CLI, Copilot CLI, Zed), that route.

AISTACK_TOKEN is a snapshot: it goes stale within the hour. So it is exported with its fingerprint (RUN_MARK), and
every `aistack token` the assistant runs later (its helpers, the bridge) fetches a fresh token instead of echoing
it; a token CI put in AISTACK_TOKEN is passed on as it is. The routes themselves hold no token: they name the
relay (started here when it does not answer) or a helper command.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import NoReturn

from aistack.assistants.registry import for_command, run_env
from aistack.auth.command import env_token, load, token
from aistack.auth.fast import RUN_MARK, TOKEN_VAR, fingerprint
from aistack.errors import AistackError
from aistack.relay import local


def child_env(org: str | None, command: str) -> dict[str, str]:
    """The environment CMD runs in."""
    from_ci = env_token()
    profile, env = load(org, required=not from_ci)
    ctx = local.context(env)
    child = dict(os.environ)
    if from_ci:
        child[TOKEN_VAR] = from_ci
        child.pop(RUN_MARK, None)
    else:
        fresh = token(org, (profile, env))
        child.update({TOKEN_VAR: fresh, RUN_MARK: fingerprint(fresh)})
    routes = run_env(profile, ctx, command)
    adapter = for_command(command)
    if adapter is not None and adapter.DELIVERY.relay:  # on demand: the relay its files or its route name
        try:
            local.start(env)
        except AistackError as e:
            if any(ctx.relay and value.startswith(ctx.relay) for value in routes.values()):
                raise  # its model traffic cannot go anywhere else
            sys.stderr.write(f"warning: {e.message} Its MCP servers at the relay will not answer.\n")
    child.update(routes)
    return child


def run(org: str | None, command: list[str]) -> NoReturn:
    child = child_env(org, command[0])
    sys.stdout.flush()
    try:
        if os.name == "nt":
            raise SystemExit(subprocess.run(command, env=child).returncode)
        os.execvpe(command[0], command, child)
    except FileNotFoundError:
        raise AistackError(f"command not found: {command[0]}.", hint="Check the command name and your PATH.",
                           exit_code=127) from None
    except PermissionError:
        raise AistackError(f"cannot execute {command[0]} (permission denied).", exit_code=126) from None
    raise AssertionError("unreachable")
