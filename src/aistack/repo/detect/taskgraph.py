"""Tasks (Make targets, just recipes, npm scripts, nox sessions, tox envs, hatch scripts) judged by what they run:
their own command lines and every task they pull in, not only their names."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from aistack.repo import judge, kinds
from aistack.repo.model import KINDS, READ, Command, Findings, Source, classify, is_upkeep

RELEASE_NAME = re.compile(r"(^|[:_-])(release|releases|publish|deploy|upload|bump|tag|ship|promote|rollout)($|[:_-])")
RELEASE_GROUPS = {"release", "releases", "publish", "deploy", "deployment", "maintainer", "maintainers"}
SKIP_GROUPS = {"demo", "demos", "example", "examples"}
GATE_NAMES = {"ci", "check", "checks", "all", "verify", "validate", "precommit", "pre-commit", "qa", "pr", "prepush",
              "pre-push", "ready", "check-all", "checkall", "lint-and-test"}
PUBLISHING = {"publishes", "uploads", "pushes", "releases", "tags", "deploys"}
SETUP_NAME = re.compile(r"deps|dev|tools|hooks|requirements|env|setup|bootstrap")


@dataclass
class Task:
    name: str
    run: str                # how it is invoked: "make test", "just ci", "pnpm run lint"
    body: list[str]         # its own command lines
    source: Source
    deps: list[str] = field(default_factory=list)  # tasks that run with it (prerequisites, pre/post hooks)
    group: str = ""
    hidden: bool = False      # private or internal: followed, never listed
    needs_args: bool = False  # has a required parameter


@dataclass
class Verdict:
    kind: str | None
    note: str = ""
    why: str = ""            # for a release task: what it does
    base: str | None = None  # the kind before a watch loop made it `dev` (a gate still counts its tests)
    by_name: bool = True     # the task's name says its kind (else only its body does)


class Graph:
    """One runner's tasks; `refs` are the runner names a body line invokes (`make` sees `$(MAKE) lint`)."""

    def __init__(self, runner: str, tasks: dict[str, Task], aliases: tuple[str, ...] = ()):
        self.runner = runner
        self.tasks = tasks
        self.aliases = (runner, *aliases)
        self.verdicts: dict[str, Verdict] = {}
        self._lines: dict[str, list[str]] = {}

    def children(self, task: Task) -> list[str]:
        out = [d for d in task.deps if d in self.tasks]
        for line in task.body:
            for part in judge.chain(line):
                for runner, name in kinds.references(judge.command_words(part)):
                    if runner in self.aliases and name in self.tasks:
                        out.append(name)
        return list(dict.fromkeys(out))

    def lines(self, name: str, seen: frozenset = frozenset()) -> list[str]:
        """Every command line the task runs, its children's included."""
        if name in self._lines:
            return self._lines[name]
        task = self.tasks[name]
        out = list(task.body)
        for child in self.children(task):
            if child not in seen and child != name:
                out += self.lines(child, seen | {name})
        self._lines[name] = out
        return out

    def lookup(self, runner: str, name: str) -> str | None:
        if runner in self.aliases and name in self.tasks:
            return self.verdict(name).kind
        return None

    def verdict(self, name: str, seen: frozenset = frozenset()) -> Verdict:
        if name in self.verdicts:
            return self.verdicts[name]
        if name in seen:
            return Verdict(None)
        self.verdicts[name] = result = self._judge(name, seen | {name})
        return result

    def _judge(self, name: str, seen: frozenset) -> Verdict:
        task = self.tasks[name]
        lines = self.lines(name)
        why = next((w for w in map(judge.danger, lines) if w), "")
        if why or RELEASE_NAME.search(name.lower()) or task.group.lower() in RELEASE_GROUPS:
            return Verdict("release", why=why or "a release task")
        if task.group.lower() in SKIP_GROUPS or is_upkeep(name) or any(map(judge.rewrites, lines)):
            return Verdict(None)

        def lookup(runner: str, ref: str) -> str | None:
            if runner in self.aliases and ref in self.tasks and ref not in seen:
                return self.verdict(ref, seen).kind
            return None

        def base(ref: str) -> str | None:
            verdict = self.verdict(ref, seen)
            return verdict.base or verdict.kind

        parts = [base(d) for d in task.deps if d in self.tasks and d not in seen]
        parts += [kinds.command_kind(line, lookup) for line in task.body]
        own = kinds.combine([k for k in parts if k and k != "release"])
        named = classify(name)
        kind = named or own
        if name.lower() in GATE_NAMES:
            kind = "gate" if own == "gate" else ("test" if name == "check" and not own else named or own)
        if kind == "install" and any(map(judge.is_system_install, lines)) and not SETUP_NAME.search(name.lower()):
            return Verdict(None, note="installs the built program")
        by_name = bool(named) or name.lower() in GATE_NAMES
        if any(map(judge.is_watch, lines)):
            if kind == "gate":
                return Verdict("gate", note="part of it keeps running (a watcher or server)", base="gate")
            return Verdict("dev", note="keeps running (a watcher or server)", base=kind, by_name=by_name or not kind)
        return Verdict(kind, by_name=by_name)

    def add_to(self, out: Findings, default: str | None = None) -> None:
        """Record every task's kind for lookups, list the runnable ones and the release tasks."""
        table = out.targets.setdefault(self.runner, {})
        for name in self.tasks:
            table[name] = self.verdict(name).kind
        if default is not None and default in self.tasks:
            table[""] = self.verdict(default).kind
            out.defaults[self.runner] = default
        for name, task in self.tasks.items():
            verdict = self.verdict(name)
            if task.hidden or verdict.kind is None:
                continue
            if verdict.kind == "release" and not task.needs_args and "*" not in name:
                # Listed so nobody runs it: a release by name or group, or one that publishes or pushes.
                if (RELEASE_NAME.search(name.lower()) or task.group.lower() in RELEASE_GROUPS or classify(name)
                        or verdict.why in PUBLISHING):
                    out.release.append(Command("release", task.run, task.source, READ, verdict.why, rank=1))
            elif verdict.kind in KINDS and not task.needs_args:
                out.commands.append(Command(verdict.kind, task.run, task.source, READ, verdict.note,
                                            rank=1 if verdict.by_name else 4))
