"""`aistack doctor` from parsed options to exit code: run the checks, print them, sum them up."""

from __future__ import annotations

import sys

from aistack.errors import ExitCode


def main(org: str | None, *, timeout: float, offline: bool, as_json: bool) -> ExitCode:
    from aistack import doctor as engine
    from aistack.doctor import render
    from aistack.paths import Env

    state, results = engine.run(Env.current(), org, timeout=timeout, overall=timeout * 3, offline=offline)
    data = engine.payload(state, results)
    if as_json:
        sys.stdout.write(render.as_json(data))
    elif sys.stdout.isatty():
        from rich.console import Console

        render.table(results, data["org"], Console())
    else:
        sys.stdout.write(render.plain(results))
    if data["failed"]:
        sys.stderr.write(f"aistack doctor: {len(data['failed'])} check{'s' if len(data['failed']) > 1 else ''} "
                         f"failed: {', '.join(data['failed'])}\n")
        return ExitCode.PROBLEM
    warned = data["summary"]["warn"]
    sys.stderr.write(f"aistack doctor: all checks passed{f' ({warned} with a warning)' if warned else ''}.\n")
    return ExitCode.OK
