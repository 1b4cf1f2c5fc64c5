"""Start-up cost of common commands, as ratios to the bare interpreter of the same venv, measured in one run.

Goals: `aistack --version` <= 2.5x, `aistack --help` <= 10x, `aistack setup SIX --dry-run` (the six first
assistants) <= 12x, `setup --all --dry-run` (all 20) <= 12x. Run: .venv/bin/python bench/bench_startup.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SIX = ["claude-code", "codex", "gemini-cli", "opencode", "windsurf", "cursor"]  # the assistants of the first release


def best_of(cmd: list[str], env: dict, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(sorted(times)[: max(1, rounds // 2)])  # the faster half: less scheduler noise


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    # An installed package has its bytecode compiled; a checkout under PYTHONDONTWRITEBYTECODE would not.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "src" / "aistack")], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, HOME=tmp, AISTACK_CONFIG_DIR=f"{tmp}/cfg", AISTACK_DATA_DIR=f"{tmp}/data",
                   AISTACK_CACHE_DIR=f"{tmp}/cache", PYTHONPATH=str(REPO / "src"))
        py = sys.executable
        org = str(REPO / "examples" / "org.toml")
        base = best_of([py, "-c", "pass"], env, args.rounds)
        cases = [
            ("aistack --version", [py, "-m", "aistack", "--version"], 2.5),
            ("aistack --help", [py, "-m", "aistack", "--help"], 10),
            ("aistack setup SIX --dry-run", [py, "-m", "aistack", "setup", *SIX, "--dry-run", "--org", org], 12),
            ("aistack setup --all --dry-run", [py, "-m", "aistack", "setup", "--all", "--dry-run", "--org", org], 12),
        ]
        print(f"bare interpreter: {base * 1000:.1f} ms")
        failed = False
        for name, cmd, goal in cases:
            ratio = best_of(cmd, env, args.rounds) / base
            if goal is None:
                print(f"{name:<34} {ratio:5.2f}x  (every supported assistant; no goal)")
                continue
            verdict = "ok" if ratio <= goal else "OVER GOAL"
            failed |= ratio > goal
            print(f"{name:<34} {ratio:5.2f}x  (goal <= {goal}x)  {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
