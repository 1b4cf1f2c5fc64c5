"""CI: the `run:` steps of GitHub Actions workflows and the `script:` lines of .gitlab-ci.yml, the ground truth
for what must pass. Only read at the repository root."""

from __future__ import annotations

from aistack.repo.index import RepoView
from aistack.repo.model import Command, Findings, Source

GITLAB_RESERVED = {"stages", "variables", "default", "include", "workflow", "image", "services", "cache",
                   "before_script", "after_script", "types", "pages"}
MAX_PER_FILE = 30


def _lines(script) -> list[str]:
    if isinstance(script, str):
        script = [script]
    if not isinstance(script, list):
        return []
    lines = []
    for entry in script:
        for line in str(entry).splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                lines.append(line)
    return lines


def github(view: RepoView, out: Findings) -> None:
    workflows = sorted(f for f in view.files if f.startswith(".github/workflows/") and f.count("/") == 2
                       and f.endswith((".yml", ".yaml")))
    for rel in workflows:
        data = view.yaml(rel)
        jobs = data.get("jobs") if isinstance(data, dict) else None
        count = 0
        for job, conf in jobs.items() if isinstance(jobs, dict) else ():
            steps = conf.get("steps") if isinstance(conf, dict) else None
            for i, step in enumerate(steps if isinstance(steps, list) else []):
                if not isinstance(step, dict) or "run" not in step:
                    continue
                for line in _lines(step["run"]):
                    if count < MAX_PER_FILE:
                        out.commands.append(Command("ci", line, Source(rel, f"jobs.{job}.steps[{i}].run")))
                        count += 1


def gitlab(view: RepoView, out: Findings) -> None:
    rel = view.first("", ".gitlab-ci.yml")
    data = view.yaml(rel) if rel else None
    if not isinstance(data, dict):
        return
    count = 0
    for job, conf in data.items():
        if job in GITLAB_RESERVED or str(job).startswith(".") or not isinstance(conf, dict):
            continue
        for line in _lines(conf.get("script")):
            if count < MAX_PER_FILE:
                out.commands.append(Command("ci", line, Source(rel, f"{job}.script")))
                count += 1


def detect(view: RepoView, scope: str) -> Findings:
    out = Findings()
    if scope == "":
        github(view, out)
        gitlab(view, out)
    return out
