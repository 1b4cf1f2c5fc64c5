"""The init-repo command's edges: options to Options, results to stdout (data) and stderr (messages)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from aistack.errors import AistackError, UsageError

BRIDGES = ("claude", "gemini")


def _bridges(value: str) -> tuple[str, ...]:
    names = tuple(n.strip().lower() for n in value.split(",") if n.strip())
    if names == ("none",):
        return ()
    unknown = [n for n in names if n not in BRIDGES]
    if unknown:
        raise UsageError(f"--bridges: unknown bridge {unknown[0]!r}.", hint="Use claude, gemini, both, or none.")
    return names


def _renderer(org: str | None):
    from aistack import profile as profiles
    from aistack.paths import Env
    from aistack.repo.render import Renderer

    prof = profiles.resolve(org, Env.current(), required=False)
    template = profiles.agents_template(prof) if prof else None  # a URL, or a file in the profile's directory
    return Renderer(template), (prof.org_name if prof else None)


def main(paths: list[str], *, org, check, dry_run, adopt, nested, branch, commit, allow_dirty, each, bridges,
         as_json) -> int:
    from aistack.repo.run import Options

    if commit and not branch:
        raise UsageError("--commit needs --branch NAME.", hint="aistack commits only on a branch it creates.")
    if check and (dry_run or branch):
        raise UsageError("--check only reads; it cannot be combined with --dry-run or --branch.")
    if len(paths) > 1 and not each:
        raise UsageError("more than one PATH given.", hint="Use --each to process several repositories.")
    renderer, org_name = _renderer(org)
    options = Options(org=org_name, adopt=adopt, nested=nested, check=check, dry_run=dry_run, branch=branch,
                      commit=commit, allow_dirty=allow_dirty, bridges=_bridges(bridges))
    if each:
        return _each(paths, options, renderer, as_json)
    return _single(Path(paths[0] if paths else "."), options, renderer, as_json)


def _result_dict(r) -> dict:
    out = {"path": r.path, "status": r.status, "reason": r.reason, "commit": r.commit}
    if r.plan is not None:
        f = r.plan.findings
        out.update({
            "root": str(r.plan.root),
            "commands": [c.as_dict() for c in f.commands],
            "ci": [c.as_dict() for c in f.ci],
            "release": [c.as_dict() for c in f.release],
            "facts": [x.as_dict() for x in f.facts],
            "links": [{"path": x.label, "what": x.value} for x in f.links],
            "packages": [{"path": p.path, "name": p.name, "ecosystem": p.ecosystem} for p in f.packages],
            "changes": [{"path": c.path, "status": c.status, "reason": c.reason,
                         "blocks": [b[0] for b in c.blocks]} for c in r.plan.changes],
            "warnings": r.plan.warnings,
        })
    return out


def _commands_table(plan) -> str:
    f = plan.findings
    rows = [(c.kind, c.run, f"{c.source}{' (inferred)' if c.origin == 'inferred' else ''}") for c in f.commands]
    rows += [("ci", c.run, str(c.source)) for c in f.ci]
    rows += [("release", c.run, f"{c.source} (never run)") for c in f.release]
    if not rows:
        return "no commands found\n"
    w1 = max(len(r[0]) for r in rows)
    w2 = min(max(len(r[1]) for r in rows), 60)
    return "".join(f"{k:<{w1}}  {run:<{w2}}  {src}\n" for k, run, src in rows)


def _single(path: Path, options, renderer, as_json: bool) -> int:
    from aistack.repo.run import run

    result = run(path, options, renderer)
    plan = result.plan
    err = sys.stderr.write
    for warning in plan.warnings:
        err(f"warning: {warning}\n")
    if as_json:
        sys.stdout.write(json.dumps(_result_dict(result), indent=2) + "\n")
    elif options.check:
        for change in plan.changes:
            if change.writes:
                sys.stdout.write(change.block_diff() if change.old is not None and change.blocks else change.diff())
    elif options.dry_run:
        for change in plan.changes:
            if change.writes:
                sys.stdout.write(change.diff())
    else:
        sys.stdout.write(_commands_table(plan))
    for change in plan.changes:
        if change.status == "skip" or (change.status != "unchanged" and not options.check):
            verb = {"create": "would create" if options.dry_run else "created",
                    "update": "would update" if options.dry_run else "updated",
                    "skip": "skipped"}.get(change.status, change.status)
            err(f"{change.path}: {verb}{' (' + change.reason + ')' if change.reason else ''}\n")
    if options.check:
        if result.status == "stale":
            err(f"stale: {result.reason}\n")
            err("hint: run the same `aistack init-repo` command without --check, then commit the result.\n")
            return 1
        err("AGENTS.md is up to date.\n")
        return 0
    if result.commit:
        err(f"committed {result.commit[:12]} on branch {options.branch}\n")
    if result.status == "skipped":
        raise AistackError(result.reason, hint="Nothing was written.")
    if result.status == "unchanged":
        err("everything is up to date.\n")
    return 0


def _each(paths: list[str], options, renderer, as_json: bool) -> int:
    from aistack.repo.batch import counts, read_paths

    targets = read_paths(paths)
    if not targets:
        raise UsageError("--each needs repository paths, as arguments or one per line on stdin.")
    results = _with_progress(targets, options, renderer)
    if as_json:
        sys.stdout.write(json.dumps([_result_dict(r) for r in results], indent=2) + "\n")
    else:
        width = max(len(r.path) for r in results)
        sys.stdout.write(f"{'repository':<{width}}  {'status':<11}  reason\n")
        for r in results:
            sys.stdout.write(f"{r.path:<{width}}  {r.status:<11}  {r.reason}\n")
    summary = counts(results)
    sys.stderr.write(", ".join(f"{n} {s}" for s, n in summary.items()) + f" ({len(results)} repositories)\n")
    return 1 if summary.get("failed") or summary.get("stale") else 0


def _with_progress(targets, options, renderer):
    from aistack.repo.batch import run_each

    if not sys.stderr.isatty():
        return run_each(targets, options, renderer)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("init-repo"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("repos", total=len(targets))
        return run_each(targets, options, renderer, progress=lambda _r: bar.advance(task))
