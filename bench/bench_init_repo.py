"""init-repo quality over the corpus of real repositories, then throughput, measured in one run: files/s on a
100,000-file repository, repos/s over 500 repositories.

Quality: for each repository of tests/repo/corpus, the commands AGENTS.md lists, how many of them are judged
correct (the maintainers' documented commands and the reviewed extras in tests/repo/corpus_expected.py), how
many offered lines are release/destructive commands or shell fragments (checked apart from init-repo's judge),
and the size of what it generates.

The large repository is a pnpm monorepo of 200 packages whose 100,000 tracked files are put into the git index
with one `git update-index --index-info` call (all sharing one blob); only the manifests exist on disk, since
detection reads the index and never walks the tree. 10% of the tracked files sit under node_modules and vendor,
which detection must not descend into.

Run: .venv/bin/python bench/bench_init_repo.py [--files N] [--repos N] [--corpus-only]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "tests" / "repo"))

PACKAGES = 200


def git(root: Path, *args: str, input: str | None = None) -> str:
    return subprocess.run(["git", *args], cwd=root, input=input, capture_output=True, text=True, check=True).stdout


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def big_repo(root: Path, total: int) -> None:
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    manifests = {
        "package.json": json.dumps({"name": "big", "packageManager": "pnpm@9.0.0",
                                    "scripts": {"build": "turbo run build", "test": "turbo run test",
                                                "lint": "eslint ."}}),
        "pnpm-workspace.yaml": "packages:\n  - 'packages/*'\n",
        "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
        "Makefile": "test:\n\tpnpm test\n",
        ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: pnpm test\n",
    }
    for i in range(PACKAGES):
        manifests[f"packages/p{i}/package.json"] = json.dumps(
            {"name": f"@big/p{i}", "scripts": {"test": "vitest run", "build": "tsup"}})
    for rel, text in manifests.items():
        write(root, rel, text)
    git(root, "add", "-A")
    blob = git(root, "hash-object", "-w", "--stdin", input="export {}\n").strip()
    lines = []
    excluded = total // 10
    for n in range(total - len(manifests)):
        if n < excluded:
            rel = f"{'node_modules' if n % 2 else 'vendor'}/dep{n % 500}/lib/f{n}.js"
        else:
            rel = f"packages/p{n % PACKAGES}/src/d{n % 37}/f{n}.ts"
        lines.append(f"100644 {blob}\t{rel}\n")
    git(root, "update-index", "--index-info", input="".join(lines))
    count = int(subprocess.run("git ls-files | wc -l", shell=True, cwd=root, capture_output=True, text=True).stdout)
    assert count == total, count


def small_repos(base: Path, count: int) -> list[Path]:
    template = base / "template"
    template.mkdir(parents=True)
    git(template, "init", "-q", "-b", "main")
    write(template, "package.json", json.dumps({"name": "svc", "scripts": {"test": "jest", "lint": "eslint ."}}))
    write(template, "package-lock.json", "{}\n")
    write(template, "pyproject.toml", "[tool.pytest.ini_options]\n[tool.ruff]\n")
    write(template, "Makefile", "build:\n\tnpm run build\n")
    write(template, "src/index.ts", "export {}\n")
    git(template, "add", "-A")
    git(template, "-c", "user.name=b", "-c", "user.email=b@example.com", "commit", "-q", "-m", "init")
    repos = []
    for i in range(count):
        target = base / f"repo{i:04d}"
        shutil.copytree(template, target, symlinks=True)
        repos.append(target)
    return repos


def corpus() -> bool:
    """Print the quality table over the corpus; True when no release/destructive line or fragment was offered."""
    import realrepos
    from corpus_expected import EXPECTED, LABEL

    print(f"{'repository':<22} {'listed':>6} {'correct':>7} {'release':>7} {'fragment':>8} {'bytes':>6}")
    totals = [0, 0, 0, 0]
    largest = ("", 0)
    for name in realrepos.NAMES:
        _, new = realrepos.generated(name)
        listed = {(LABEL.get(label, label), run) for label, run in realrepos.listed_pairs(new)}
        want = EXPECTED[name]
        correct = len(listed & (want["must"] | want["also"]))
        offered = realrepos.offered(new)
        bad = sum(1 for c in offered if realrepos.destructive(c))
        fragments = sum(1 for c in offered if realrepos.fragment(c))
        size = len(new.encode())
        largest = max(largest, (name, size), key=lambda x: x[1])
        for i, n in enumerate((len(listed), correct, bad, fragments)):
            totals[i] += n
        print(f"{name:<22} {len(listed):>6} {correct:>7} {bad:>7} {fragments:>8} {size:>6}")
    print(f"{'total':<22} {totals[0]:>6} {totals[1]:>7} {totals[2]:>7} {totals[3]:>8}   largest: "
          f"{largest[0]} {largest[1]:,} bytes ({largest[1] / 1024:.1f} KiB)")
    return totals[2] == totals[3] == 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--repos", type=int, default=500)
    parser.add_argument("--corpus-only", action="store_true", help="only the quality table over the corpus")
    args = parser.parse_args()

    clean = corpus()
    if args.corpus_only:
        return 0 if clean else 1

    from aistack.repo.batch import counts, run_each
    from aistack.repo.render import Renderer
    from aistack.repo.run import Options, run

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ.update(HOME=str(tmp), AISTACK_CONFIG_DIR=str(tmp / "cfg"), AISTACK_DATA_DIR=str(tmp / "data"),
                          AISTACK_CACHE_DIR=str(tmp / "cache"))
        start = time.perf_counter()
        big_repo(tmp / "big", args.files)
        print(f"generated a {args.files:,}-file repository in {time.perf_counter() - start:.1f} s")

        renderer = Renderer()
        run(tmp / "big", Options(dry_run=True), renderer)  # warm-up: imports and template compilation
        for label, options in (("init-repo --dry-run", Options(dry_run=True)),
                               ("init-repo --nested --dry-run", Options(dry_run=True, nested=True))):
            start = time.perf_counter()
            result = run(tmp / "big", options, renderer)
            elapsed = time.perf_counter() - start
            print(f"{label:<30} {elapsed:6.2f} s  {args.files / elapsed:>10,.0f} files/s  "
                  f"({len(result.plan.findings.packages)} packages, {len(result.plan.changes)} files planned)")

        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "aistack", "init-repo", str(tmp / "big"), "--dry-run"],
                              capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(REPO / "src")))
        elapsed = time.perf_counter() - start
        assert proc.returncode == 0, proc.stderr
        print(f"{'aistack init-repo (process)':<30} {elapsed:6.2f} s  {args.files / elapsed:>10,.0f} files/s")

        repos = small_repos(tmp / "fleet", args.repos)
        paths = [str(p) for p in repos]
        for label, options in (("--each (write)", Options()), ("--each --check", Options(check=True)),
                               ("--each --branch --commit", Options(branch="ai/x", commit=True))):
            if options.commit:  # a fresh fleet: the written files would leave nothing to commit
                shutil.rmtree(tmp / "fleet")
                paths = [str(p) for p in small_repos(tmp / "fleet", args.repos)]
                os.environ.update(GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@example.com",
                                  GIT_COMMITTER_NAME="b", GIT_COMMITTER_EMAIL="b@example.com")
            start = time.perf_counter()
            results = run_each(paths, options, renderer)
            elapsed = time.perf_counter() - start
            print(f"{label:<30} {elapsed:6.2f} s  {len(paths) / elapsed:>10,.1f} repos/s  {counts(results)}")
    return 0 if clean else 1


if __name__ == "__main__":
    raise SystemExit(main())
