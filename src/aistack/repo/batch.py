"""--each: many repositories in one run, continuing past failures, closing with a summary."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, Iterable

from aistack.errors import AistackError
from aistack.repo.render import Renderer
from aistack.repo.run import Options, Result, run

STATUSES = ("written", "would-write", "unchanged", "fresh", "stale", "skipped", "failed")


def run_each(paths: Iterable[str], options: Options, renderer: Renderer,
             progress: Callable[[Result], None] | None = None) -> list[Result]:
    results = []
    for raw in paths:
        try:
            result = run(Path(raw), options, renderer)
            result.path = raw
        except AistackError as e:
            result = Result(raw, "failed", e.message)
        except Exception as e:  # one broken repository must not stop a rollout across thousands
            result = Result(raw, "failed", f"{e.__class__.__name__}: {e}")
        results.append(result)
        if progress:
            progress(result)
    return results


def read_paths(args: list[str], stdin=None) -> list[str]:
    """Paths from the arguments, else one per line on stdin (blank lines and # comments skipped)."""
    if args:
        return list(args)
    stream = stdin or sys.stdin
    if stream.isatty():
        return []
    return [line.strip() for line in stream if line.strip() and not line.lstrip().startswith("#")]


def counts(results: list[Result]) -> dict[str, int]:
    out = {s: 0 for s in STATUSES}
    for r in results:
        out[r.status] = out.get(r.status, 0) + 1
    return {k: v for k, v in out.items() if v}
