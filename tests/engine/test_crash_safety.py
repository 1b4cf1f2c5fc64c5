"""Crash safety as a property: a real `aistack setup` process, killed -9 just before each change it makes to the
file system (and at random instants while it writes a large file), leaves every file it touches as it was or as
it will be, a backup that is complete or absent, and a state the next run recognises: it finishes or undoes the
change, and `--remove` then gives back the original bytes, leaving no temp file, intent or directory behind."""

from __future__ import annotations

import json
import os
import random
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support import EXAMPLE_ORG, backup_of, subprocess_env

KILLPOINT = Path(__file__).with_name("killpoint.py")
NO_GATEWAY = """schema = 1
[org]
name = "Crash Corp"
[[mcp_servers]]
name = "docs"
url = "https://mcp.example.com/docs/mcp"
transport = "http"
auth = "token"
[[mcp_servers]]
name = "git"
command = "uvx"
args = ["mcp-server-git"]
"""


def big_claude_json(megabytes: float) -> bytes:
    """A long-used ~/.claude.json: per-project history, the part that grows to tens of MB."""
    rng = random.Random(7)
    projects = {f"/home/me/src/p{i}": {"history": [{"display": "fix " + "x" * rng.randint(10, 300),
                                                    "pastedContents": {}} for _ in range(20)],
                                       "allowedTools": [], "lastCost": i / 7}
                for i in range(int(megabytes * 190))}
    return (json.dumps({"numStartups": 41, "projects": projects, "mcpServers": {"mine": {"command": "me"}}},
                       indent=2) + "\n").encode()


class Machine:
    """One HOME with a Claude Code config, reset to its first state before each trial."""

    def __init__(self, home: Path, before: bytes, org: Path, server: subprocess.Popen):
        self.home, self.data, self.before, self.org = home, Path(os.environ["AISTACK_DATA_DIR"]), before, org
        self.state = home / ".claude.json"
        self.settings = home / ".claude" / "settings.json"
        self.server = server

    def reset(self, snapshot: Path | None = None) -> None:
        """Back to the first state (only ~/.claude.json, no data dir), or to a snapshot taken with `keep`."""
        for root in (self.home, self.data):
            shutil.rmtree(root, ignore_errors=True)
        if snapshot is None:
            self.home.mkdir()
            self.state.write_bytes(self.before)
            return
        for root in (self.home, self.data):
            shutil.copytree(snapshot / root.name, root, symlinks=True)

    def keep(self, snapshot: Path) -> Path:
        for root in (self.home, self.data):
            shutil.copytree(root, snapshot / root.name, symlinks=True)
        return snapshot

    def files(self) -> dict[str, bytes | None]:
        return {str(p): p.read_bytes() if p.exists() else None for p in (self.state, self.settings)}

    def run(self, n: int, *args: str, go: float | None = None) -> str:
        """Run aistack to just before its nth change and kill it -9 there (or `go` seconds at most after it);
        returns the change it was killed at ("" when it finished first); n=0: every change of a whole run."""
        request = {"n": n, "go": go is not None, "args": [*args, "--org", str(self.org)]}
        self.server.stdin.write(json.dumps(request) + "\n")
        self.server.stdin.flush()
        lines, where = [], ""
        while True:
            ready, _, _ = select.select([self.server.stdout], [], [], 120)
            assert ready, "aistack neither stopped nor ended"
            line = self.server.stdout.readline().strip()
            if line.startswith(("stop ", "go ")):
                where, start = line, time.monotonic()
                if go is not None and select.select([self.server.stdout], [], [], go)[0]:
                    self.rest = time.monotonic() - start  # it ended first: how long the rest of the run took
                break
            if line == "end":
                break
            lines.append(line)
        if n:
            self.server.stdin.write("kill\n")
            self.server.stdin.flush()
        status = self.server.stdout.readline().strip()
        while status == "end":  # a process that went on after "go" and finished before the kill
            status = self.server.stdout.readline().strip()
        assert status.startswith("exit "), status
        if n == 0:
            assert status == "exit 0", status
            return "\n".join(lines)
        return where

    def changes(self, *args: str) -> list[str]:
        return [line for line in self.run(0, *args).splitlines() if line]

    def leftovers(self) -> list[Path]:
        found = [p for root in (self.home, self.data) for p in root.rglob("*")
                 if p.name.endswith((".aistack-tmp", ".tmp")) or p.name.endswith(".intent.json")]
        return found + [p for p in self.home.rglob("*") if ".aistack" in p.name]


@pytest.fixture
def killpoint(fake_home):
    """The server that forks aistack processes to be killed (see killpoint.py), in this test's environment."""
    server = subprocess.Popen([sys.executable, str(KILLPOINT)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, env=subprocess_env(PYTHONDONTWRITEBYTECODE="1"))
    yield server
    server.stdin.close()
    server.wait(30)


def _machine(fake_home, tmp_path, megabytes: float, org_text: str, server) -> Machine:
    org = tmp_path / "org.toml"
    org.write_text(org_text)
    m = Machine(fake_home, big_claude_json(megabytes), org, server)
    m.reset()
    return m


def _valid(now: dict, before: dict, after: dict) -> bool:
    """Each file as it was or as it will be (independently: the run changes them one after the other)."""
    return all(now[f] in (before[f], after[f]) for f in now)


def _sweep(m: Machine, cli, args: tuple[str, ...], start, before: dict, after: dict, final: dict) -> int:
    """Kill `args` before each of its changes, starting each time from `start()`; the next run is `args` again
    and must leave `final`; after a setup, a --remove must then give back the original."""
    start()
    points = m.changes(*args)
    real = [n for n, p in enumerate(points, 1) if p.startswith("change ")]  # before a no-op = before the next
    assert len(real) >= 10, points
    for n in real:
        start()
        where = m.run(n, *args) or "the end"
        now = m.files()
        assert _valid(now, before, after), f"killed before change {n} ({where})"
        backup = backup_of(m.state)
        if backup.exists():
            assert backup.read_bytes() == m.before, f"killed before change {n} ({where}): an incomplete backup"
        code, _, err = cli(*args, "--org", str(m.org))
        assert code == 0, f"after a kill before change {n} ({where}): {err}"
        assert m.files() == final, f"after a kill before change {n} ({where}), the next run did not finish"
        assert m.leftovers() == [], f"after a kill before change {n} ({where})"
        if "--remove" not in args:  # the next run finished the setup: --remove must still take all of it out
            assert cli("setup", "claude-code", "--remove")[0] == 0
            assert m.files() == before, f"after a kill before change {n} ({where}), --remove left aistack's entries"
            assert not (m.home / ".claude").exists()
    return len(real)


def test_killed_at_every_change_of_setup_and_remove(fake_home, tmp_path, cli, killpoint):
    """Setup writes ~/.claude.json (backed up first) and creates ~/.claude/settings.json with its directory;
    remove restores the one and deletes the other. Killed before each change of either."""
    m = _machine(fake_home, tmp_path, 0.3, EXAMPLE_ORG.read_text(), killpoint)
    before = m.files()
    assert cli("setup", "claude-code", "--org", str(m.org))[0] == 0
    after = m.files()
    assert after[str(m.state)] != m.before and after[str(m.settings)] is not None

    snapshot = m.keep(tmp_path / "set-up")

    setup_points = _sweep(m, cli, ("setup", "claude-code"), m.reset, before, after, after)
    remove_points = _sweep(m, cli, ("setup", "claude-code", "--remove"), lambda: m.reset(snapshot), after, before,
                           before)
    # Undone, not only finished: a kill before setup's rename, then --remove, gives back the original too.
    m.reset()
    points = m.changes("setup", "claude-code")
    rename = next(i for i, p in enumerate(points, 1) if p.startswith("change os.rename") and "..claude.json." in p)
    m.reset()
    m.run(rename, "setup", "claude-code")
    assert m.files() == before
    assert cli("setup", "claude-code", "--remove", "--org", str(m.org))[0] == 0
    assert m.files() == before and m.leftovers() == []
    assert setup_points + remove_points >= 30


def test_killed_while_writing_a_large_file(fake_home, tmp_path, cli, killpoint):
    """At random instants after the big file's backup or its new version starts being written (a 4 MB file)."""
    m = _machine(fake_home, tmp_path, 4, NO_GATEWAY, killpoint)
    before = m.files()
    assert cli("setup", "claude-code", "--org", str(m.org))[0] == 0
    after = m.files()
    m.reset()
    points = m.changes("setup", "claude-code")
    opens = [i for i, p in enumerate(points, 1) if p.startswith("change open ") and p.endswith(".aistack-tmp")
             and "claude.json" in p and "owned" not in p]
    assert len(opens) == 2, points  # the backup, the new version
    rest = []
    for n in opens:  # how long the run goes on after each open, to kill it at instants within
        m.reset()
        m.run(n, "setup", "claude-code", go=30)
        rest.append(m.rest)
    rng = random.Random(13)
    outcomes = set()
    for trial in range(6):
        m.reset()
        m.run(opens[trial % 2], "setup", "claude-code", go=rng.uniform(0, rest[trial % 2]))
        now = m.files()
        assert _valid(now, before, after), f"trial {trial}"
        backup = backup_of(m.state)
        outcomes.add((now == after, backup.exists()))
        if backup.exists():
            assert backup.read_bytes() == m.before, f"trial {trial}: an incomplete backup"
        assert cli("setup", "claude-code", "--remove", "--org", str(m.org))[0] == 0
        assert m.files() == before and m.leftovers() == [], f"trial {trial}"
    assert len(outcomes) >= 2, f"the kills all landed in one state ({outcomes}): the trial proves little"
