"""`aistack setup` on the files people really have, as ratios measured in one run.

1. A long-used ~/.claude.json (per-project history; 10 MB and 50 MB): `setup claude-code`, a second run that
   changes nothing, and `--remove`, each in a process of its own. Goals: each at most 2x the time a process
   takes to json.load and json.dump (indent=2, as Claude Code writes it) the same file; peak memory (RSS) above
   the same run on an empty ~/.claude.json at most 4x the file's size.
2. Many servers: for every assistant, setup in a fresh HOME with 250 and with 1,000 MCP servers in the org
   profile (in-process). Goal: linear, the cost per server at 1,000 at most 1.5x the cost per server at 250.

Run: .venv/bin/python bench/bench_setup.py [--sizes 10,50] [--servers 250,1000] [--only claude-code,codex]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ORG = REPO / "examples" / "org.toml"
WORDS = ("the a fix test refactor add remove why does this fail build deploy error stack trace function class "
         "module import café naïve résumé über").split()


def claude_json(megabytes: float, seed: int = 1) -> str:
    """A ~/.claude.json as Claude Code keeps it: a few settings and, per project, its prompt history."""
    rng = random.Random(seed)

    def words(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n))

    data = {"numStartups": 412, "installMethod": "global", "autoUpdates": True, "userID": "a" * 64,
            "tipsHistory": {f"tip-{i}": i for i in range(30)}, "firstStartTime": "2025-01-03T10:00:00.000Z",
            "projects": {}, "oauthAccount": {"accountUuid": "x", "emailAddress": "u@example.com"},
            "hasCompletedOnboarding": True, "cachedChangelog": words(2000)}
    size, i = 0, 0
    while size < megabytes * 1e6:
        history = []
        for _ in range(rng.randint(5, 100)):
            item = {"display": words(rng.randint(3, 60)), "pastedContents": {}}
            if rng.random() < 0.1:
                item["pastedContents"] = {"1": {"id": 1, "type": "text", "content": words(rng.randint(50, 400))}}
            history.append(item)
        project = {"allowedTools": [], "history": history, "mcpContextUris": [], "mcpServers": {},
                   "enabledMcpjsonServers": [], "disabledMcpjsonServers": [], "hasTrustDialogAccepted": True,
                   "projectOnboardingSeenCount": 2, "lastCost": rng.random(), "lastAPIDuration": rng.randint(1, 10**6),
                   "lastDuration": rng.randint(1, 10**7), "lastSessionId": f"{rng.getrandbits(128):032x}",
                   "exampleFiles": ["a.py", "b.py"]}
        data["projects"][f"/home/u/src/project-{i}"] = project
        size += len(json.dumps(project, indent=2))
        i += 1
    return json.dumps(data, indent=2)


# Started from a small process of its own: a child forked from this one would count this one's memory as its own.
_LAUNCH = """
import os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def measured(cmd: list[str], env: dict, runs: int = 3, prepare=None) -> tuple[float, float]:
    """Best wall time (s) and peak RSS (MB) of a process, over a few runs."""
    best, peak = float("inf"), 0.0
    for _ in range(runs):
        if prepare:
            prepare()
        out = subprocess.run([sys.executable, "-c", _LAUNCH, *cmd], env=env, capture_output=True, text=True)
        seconds, rss, code = out.stdout.split()
        if code != "0":
            raise SystemExit(f"{' '.join(cmd)} failed")
        best, peak = min(best, float(seconds)), max(peak, int(rss) / 1024)
    return best, peak


def big_files(sizes: list[float]) -> bool:
    return all([big_file(megabytes) for megabytes in sizes])


def big_file(megabytes: float) -> bool:
    py = sys.executable
    text = claude_json(megabytes)
    mb = len(text.encode()) / 1e6
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = dict(os.environ, HOME=tmp, AISTACK_CONFIG_DIR=f"{tmp}/cfg", AISTACK_DATA_DIR=f"{tmp}/data",
                   AISTACK_CACHE_DIR=f"{tmp}/cache", PYTHONPATH=str(REPO / "src"))
        claude = home / ".claude.json"
        (home / ".claude").mkdir()
        claude.write_text(text)
        baseline = [py, "-c", "import json, sys; p = sys.argv[1]; "
                    "json.dump(json.load(open(p)), open(p + '.out', 'w'), indent=2)", str(claude)]
        json_time, _ = measured(baseline, env)
        setup = [py, "-m", "aistack", "setup", "claude-code", "--org", str(ORG)]

        def first_time(content: str):
            def prepare() -> None:  # as before aistack ever ran: no record, no backup
                claude.write_text(content)
                shutil.rmtree(f"{tmp}/data", ignore_errors=True)
                for leftover in home.glob(".claude.json.aistack*"):
                    leftover.unlink()
            return prepare

        _, empty_peak = measured(setup, env, prepare=first_time("{}\n"))
        cases = [("setup", measured(setup, env, prepare=first_time(text)))]
        cases.append(("no-op", measured(setup, env)))
        cases.append(("remove", measured([*setup, "--remove"], env,
                                         prepare=lambda: subprocess.run(setup, env=env, capture_output=True))))
        if claude.read_text() != text:
            raise SystemExit("--remove did not give back the file")
    print(f"~/.claude.json {mb:.1f} MB: json load+dump {json_time:.2f}s (peak RSS on an empty one {empty_peak:.0f} MB)")
    for name, (seconds, peak) in cases:
        ratio, memory = seconds / json_time, (peak - empty_peak) / mb
        verdict = "ok" if ratio <= 2 and memory <= 4 else "OVER GOAL"
        ok &= verdict == "ok"
        print(f"  {name:<7} {seconds:5.2f}s = {ratio:4.2f}x (goal <= 2x)   memory {memory:4.2f}x its size "
              f"(goal <= 4x)  {verdict}")
    return ok


def org_with(servers: int, path: Path) -> None:
    """The example org with this many MCP servers: token-protected HTTP, SSE with OAuth, stdio."""
    head = ORG.read_text().split("[[mcp_servers]]", 1)[0]
    tail = "\n[templates]" + ORG.read_text().split("[templates]", 1)[1]
    kinds = ['url = "https://mcp.example.com/s{i}/mcp"\ntransport = "http"\nauth = "token"',
             'url = "https://mcp.example.com/s{i}/sse"\ntransport = "sse"\nauth = "oauth"',
             'command = "uvx"\nargs = ["mcp-server-{i}", "--port", "{i}"]\nenv = {{LEVEL = "info"}}']
    body = "".join(f'\n[[mcp_servers]]\nname = "s{i}"\n' + kinds[i % 3].format(i=i) + "\n" for i in range(servers))
    path.write_text(head + body + tail)


def many_servers(counts: list[int], only: list[str] | None) -> bool:
    sys.path.insert(0, str(REPO / "src"))
    from aistack import configure
    from aistack.assistants import registry
    from aistack.paths import Env
    from aistack.profile import load

    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        profiles = {}
        for n in counts:
            org_with(n, Path(tmp) / f"org{n}.toml")
            profiles[n] = load(str(Path(tmp) / f"org{n}.toml"))
        names = only or registry.names()
        low, high = counts
        print(f"setup with {low} and {high} MCP servers, per assistant (in-process, best of 3):")
        for name in names:
            times = {}
            for n in counts:
                best = float("inf")
                for run in range(3):
                    home = Path(tmp) / f"{name}-{n}-{run}"
                    (home / ".continue").mkdir(parents=True)  # Continue writes only into its own config.yaml
                    (home / ".continue" / "config.yaml").write_text("name: Local Config\nversion: 1.0.0\n")
                    os.environ.update(HOME=str(home), AISTACK_CONFIG_DIR=f"{home}/cfg",
                                      AISTACK_DATA_DIR=f"{home}/data", AISTACK_CACHE_DIR=f"{home}/cache")
                    env = Env.current()
                    start = time.perf_counter()
                    [result] = configure.run([name], profiles[n], env)
                    best = min(best, time.perf_counter() - start)
                    if not result.ok:
                        raise SystemExit(f"{name}: {result.to_json()}")
                times[n] = best
            growth = (times[high] / high) / (times[low] / low)
            verdict = "ok" if growth <= 1.5 else "OVER GOAL"
            ok &= verdict == "ok"
            print(f"  {name:<15} {times[low]:6.3f}s  {times[high]:6.3f}s   per server x{growth:4.2f} (goal <= 1.5)"
                  f"  {verdict}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10,50", help="sizes of ~/.claude.json in MB")
    parser.add_argument("--servers", default="250,1000", help="two server counts")
    parser.add_argument("--only", default="", help="assistants for the server benchmark (default: all)")
    args = parser.parse_args()
    ok = big_files([float(s) for s in args.sizes.split(",") if s])
    ok &= many_servers([int(n) for n in args.servers.split(",")], [a for a in args.only.split(",") if a] or None)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
