"""`aistack setup` from parsed options to exit code: selection, the run, the relay's service, and what is printed."""

from __future__ import annotations

import json
import sys
from pathlib import Path as FsPath
from typing import Any

from aistack.errors import ExitCode

# What `--force` does for each group of soft edits that gave way to the user's own choice (Edit.soft).
KEPT_HINTS = {"gateway routing": "to route it through the gateway instead",
              "telemetry": "to send its telemetry to the org's collector instead"}


def main(assistants: list[str], *, all_: bool, dry_run: bool, remove: bool, force: bool, list_: bool,
         project: str | None, org: str | None, as_json: bool) -> ExitCode:
    from aistack import configure
    from aistack.assistants import registry
    from aistack.paths import Env
    from aistack.profile import resolve

    env = Env.current()
    if list_:
        _print_listing(configure.listing(env), as_json)
        return ExitCode.OK
    root = _project_root(project)
    requested, renamed = registry.resolve(list(assistants))
    for note in renamed:
        sys.stderr.write(note + "\n")
    names = configure.select(requested, all_, env, root)
    profile = resolve(org, env, keep=not dry_run)
    if not names:
        sys.stderr.write("No supported assistant detected on this machine; name one or use --all "
                         "(`aistack setup --list` shows them).\n")
        return ExitCode.PROBLEM
    results = configure.run(names, profile, env, remove=remove, force=force, dry_run=dry_run, project=root)
    relay = None if root else configure.relay_service(results, env, remove=remove, dry_run=dry_run)
    if as_json:
        payload = {"schema": 1, "org": profile.org_name, "dry_run": dry_run, "remove": remove,
                   "assistants": [r.to_json() for r in results],
                   "relay_service": relay.to_json() if relay else None}
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    else:
        _print_results(results, dry_run, remove)
        if relay:
            _print_service(relay, dry_run)
    if not all(r.ok for r in results) or (relay and relay.error):
        return ExitCode.PROBLEM
    return ExitCode.OK


def _project_root(project: str | None) -> FsPath | None:
    if project is None:
        return None
    from aistack.errors import UsageError

    root = FsPath(project).expanduser().resolve()
    if not root.is_dir():
        raise UsageError(f"--project {project}: not a directory.")
    return root


def _print_results(results: list[Any], dry_run: bool, remove: bool) -> None:
    err = sys.stderr
    verb = {"created": "would create" if dry_run else "created", "changed": "would change" if dry_run else "changed",
            "removed": "would delete" if dry_run else "deleted", "unchanged": "no changes", "error": "error"}
    for result in results:
        if result.error:
            err.write(f"{result.name}: error: {result.error}\n")
        for f in result.files:
            if f.status == "unchanged" and not f.conflicts and not FsPath(f.path).exists():
                continue  # a file this assistant could use, not there and not needed
            if dry_run and f.diff:
                sys.stdout.write(f.diff)
            line = f"{result.name}: {f.path}: {verb[f.status]}"
            if f.error:
                line += f": {f.error}"
            if f.backup:
                line += f" (backup: {f.backup})"
            err.write(line + "\n")
            for conflict in f.conflicts:
                err.write(f"{result.name}: {f.path}: conflict: {conflict}\n")
            for note in f.notes:
                err.write(f"{result.name}: {f.path}: {note}\n")
            for kept in f.kept:
                err.write(f"{result.name}: {f.path}: kept: {kept}\n")
        kept_groups = {group for f in result.files for k in f.kept for group in KEPT_HINTS if f"({group}" in k}
        for group in sorted(kept_groups) if not remove else ():
            err.write(f"{result.name}: {KEPT_HINTS[group]}: aistack setup {result.name} --force\n")
        for warning in result.policy:
            err.write(f"{result.name}: managed layer: {warning}\n")
        for b in result.blocked:
            where = ", ".join(b["managed"])
            if b["own"]:
                err.write(f"{result.name}: your MCP server `{b['server']}` ({b['file']}) is blocked by the managed"
                          f" layer ({where}): {b['rule']}; left as it is: {b['fix']}.\n")
            else:
                err.write(f"{result.name}: MCP server `{b['server']}` not written: the managed layer ({where})"
                          f" blocks it: {b['rule']}; {b['fix']}.\n")
        if not remove:
            for note in result.skipped:
                err.write(f"{result.name}: skipped: {note}\n")
            for step in result.manual:
                err.write(f"{result.name}: by hand: {step}\n")
            for note in result.notes:
                err.write(f"{result.name}: note: {note}\n")
    if not any(r.changed for r in results) and all(r.ok for r in results):
        err.write("No changes.\n")


def _print_service(outcome: Any, dry_run: bool) -> None:
    verb = {"created": "would create" if dry_run else "created", "changed": "would change" if dry_run else "changed",
            "removed": "would delete" if dry_run else "deleted", "unchanged": "no changes"}
    for path, status in outcome.files:
        sys.stderr.write(f"relay service: {path}: {verb[status]}\n")
    for note in outcome.notes:
        sys.stderr.write(f"relay service: {note}\n")


def _print_listing(rows: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    for row in rows:
        mark = "detected" if row["detected"] else "not found"
        managed = set(row["managed"])
        servers = ", ".join(f"{s}*" if s in managed else s for s in row["servers"]) or "-"
        first = row["verified"][0] if row["verified"] else None
        how = f"{first['what']} {first['version']}" if first and first["by"] == "client" else (
            f"{first['by']} {first['version']}" if first else "-")
        delivery = f"{row['delivery']['model']}/{row['delivery']['mcp']}"
        sys.stdout.write(f"{row['assistant']:<14} {mark:<10} token via {delivery:<13} verified: {how:<24} "
                         f"servers: {servers}\n")
        for f in row["files"]:
            state = "" if f["exists"] else " (absent)"
            if f.get("former"):
                state += " (an earlier version's file: aistack only takes its own entries out)"
            if f.get("error"):
                state = f" (unreadable: {f['error']})"
            sys.stdout.write(f"{'':<14} {f['path']}{state}\n")
    sys.stdout.write("* managed by aistack\n")
