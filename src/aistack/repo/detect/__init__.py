"""Detection: one small module per ecosystem, one registry, run over the repository root or a package."""

from __future__ import annotations

from typing import Callable

from aistack.repo.detect import ci, go, jvm, node, python, pytasks, rust, tasks
from aistack.repo.index import RepoView
from aistack.repo.model import Findings

Detector = Callable[[RepoView, str], Findings]

# Order is display order within a kind: task runners first (the team's own entry points), CI last.
REGISTRY: dict[str, Detector] = {
    "tasks": tasks.detect,
    "node": node.detect,
    "python": python.detect,
    "pytasks": pytasks.detect,
    "rust": rust.detect,
    "go": go.detect,
    "jvm": jvm.detect,
    "ci": ci.detect,
}


def detect(view: RepoView, scope: str = "") -> Findings:
    """Everything the registry finds in one directory (repository-relative, "" is the root)."""
    found = Findings()
    for detector in REGISTRY.values():
        found.extend(detector(view, scope))
    return found
