"""Detection: one small module per ecosystem, run over the repository root or a package. Task runners and
manifests go first; CI, contributor docs and instruction files last, since they are read against the tasks
found (a CI step `make ci` is what the Makefile's `ci` target does)."""

from __future__ import annotations

from typing import Callable

from aistack.repo.detect import ci, docs, go, instructions, jvm, node, pytasks, python, rust, tasks
from aistack.repo.index import RepoView
from aistack.repo.model import Findings

Detector = Callable[[RepoView, str], Findings]
LateDetector = Callable[[RepoView, str, Findings], Findings]

REGISTRY: dict[str, Detector] = {
    "tasks": tasks.detect,
    "node": node.detect,
    "python": python.detect,
    "pytasks": pytasks.detect,
    "rust": rust.detect,
    "go": go.detect,
    "jvm": jvm.detect,
}
LATE: dict[str, LateDetector] = {
    "ci": ci.detect,
    "docs": docs.detect,
    "instructions": instructions.detect,
}


def detect(view: RepoView, scope: str = "") -> Findings:
    """Everything found in one directory (repository-relative, "" is the root)."""
    found = Findings()
    for detector in REGISTRY.values():
        found.extend(detector(view, scope))
    for late in LATE.values():
        found.extend(late(view, scope, found))
    return found
