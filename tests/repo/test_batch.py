"""--each: many repositories, a summary table, failures reported and passed over."""

import json
import subprocess

import pytest

from support import aistack_cmd, subprocess_env
from support.gitrepo import ECOSYSTEMS, git, identity, make_repo


@pytest.fixture(autouse=True)
def _identity(monkeypatch):
    identity(monkeypatch)


def fleet(tmp_path):
    good = [make_repo(tmp_path / n, ECOSYSTEMS[n]) for n in ("npm", "uv", "go-make")]
    broken = make_repo(tmp_path / "broken", {"AGENTS.md": "<!-- aistack:begin x -->\n", "Makefile": "test:\n"})
    unmanaged = make_repo(tmp_path / "unmanaged", {"AGENTS.md": "# Ours\n"})
    plain = tmp_path / "not-a-repo"
    plain.mkdir()
    return good, broken, unmanaged, plain


def rows(out: str) -> dict[str, tuple[str, str]]:
    lines = out.splitlines()
    assert lines[0].split() == ["repository", "status", "reason"]
    table = {}
    for line in lines[1:]:
        path, status, *reason = line.split(None, 2)
        table[path] = (status, reason[0] if reason else "")
    return table


def test_each_continues_past_failures_and_summarises(cli, tmp_path):
    good, broken, unmanaged, plain = fleet(tmp_path)
    args = [str(p) for p in (good[0], broken, plain, good[1], unmanaged, good[2])]
    code, out, err = cli("init-repo", "--each", *args, "--bridges", "none")
    assert code == 1
    table = rows(out)
    assert [table[str(p)][0] for p in good] == ["written"] * 3
    assert table[str(broken)][0] == "failed" and "never closed" in table[str(broken)][1]
    assert table[str(plain)][0] == "failed" and "not inside a git repository" in table[str(plain)][1]
    assert table[str(unmanaged)][0] == "skipped" and "--adopt" in table[str(unmanaged)][1]
    assert "3 written, 1 skipped, 2 failed (6 repositories)" in err
    assert all((p / "AGENTS.md").is_file() for p in good)
    code, out, err = cli("init-repo", "--each", *[str(p) for p in good], "--bridges", "none")
    assert code == 0 and "3 unchanged" in err


def test_each_rollout_on_branches_then_check(cli, tmp_path):
    good, *_ = fleet(tmp_path)
    paths = [str(p) for p in good]
    code, out, err = cli("init-repo", "--each", *paths, "--branch", "ai/agents-md", "--commit", "--json")
    assert code == 0, err
    results = json.loads(out)
    assert [r["status"] for r in results] == ["written"] * 3
    for r, root in zip(results, good, strict=True):
        assert git(root, "rev-parse", "HEAD").strip() == r["commit"]
        assert git(root, "branch", "--show-current").strip() == "ai/agents-md"
    assert cli("init-repo", "--each", *paths, "--check")[0] == 0
    (good[0] / "package.json").write_text('{"scripts": {"test": "node --test"}}')
    code, out, err = cli("init-repo", "--each", *paths, "--check")
    table = rows(out)
    assert code == 1 and table[paths[0]][0] == "stale" and table[paths[1]][0] == "fresh"


def test_each_reads_paths_from_stdin(tmp_path):
    good, *_ = fleet(tmp_path)
    stdin = "# repositories\n" + "\n".join(str(p) for p in good) + "\n\n"
    proc = subprocess.run([*aistack_cmd(), "init-repo", "--each", "--dry-run"], input=stdin, capture_output=True,
                          text=True, env=subprocess_env(), timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert [s for s, _ in rows(proc.stdout).values()] == ["would-write"] * 3
    assert not any((p / "AGENTS.md").exists() for p in good)


def test_each_without_paths_is_a_usage_error(tmp_path):
    proc = subprocess.run([*aistack_cmd(), "init-repo", "--each"], input="", capture_output=True, text=True,
                          env=subprocess_env(), timeout=60)
    assert proc.returncode == 2 and "--each needs repository paths" in proc.stderr


def test_progress_is_reported_once_per_repository(tmp_path):
    from aistack.repo.batch import run_each
    from aistack.repo.render import Renderer
    from aistack.repo.run import Options

    good, broken, _, plain = fleet(tmp_path)
    seen = []
    results = run_each([str(good[0]), str(plain), str(broken)], Options(dry_run=True), Renderer(), seen.append)
    assert [r.status for r in seen] == ["would-write", "failed", "failed"] and seen == results


def test_progress_bar_on_a_terminal(tmp_path):
    """stderr is a real pseudo-terminal here, so the progress bar is drawn; the table still goes to stdout."""
    import os
    import pty

    good, *_ = fleet(tmp_path)
    master, slave = pty.openpty()
    proc = subprocess.Popen([*aistack_cmd(), "init-repo", "--each", *map(str, good), "--bridges", "none"],
                            stdout=subprocess.PIPE, stderr=slave, env=subprocess_env(COLUMNS="100"), text=True)
    os.close(slave)
    chunks: list[bytes] = []

    def drain():  # keep the terminal's buffer empty so the child never blocks on it
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed its end
                return
            if not chunk:
                return
            chunks.append(chunk)

    import threading
    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    out, _ = proc.communicate(timeout=120)
    reader.join(timeout=10)
    os.close(master)
    drawn = b"".join(chunks)
    assert proc.returncode == 0
    assert [s for s, _ in rows(out).values()] == ["written"] * 3
    assert b"init-repo" in drawn and b"3/3" in drawn and b"3 written" in drawn
