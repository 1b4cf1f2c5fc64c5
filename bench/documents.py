"""How fast the config documents parse and edit a large file, as ratios against the standard parsers.

Run: .venv/bin/python bench/documents.py [MB]   (default 10: the size of a long-used ~/.claude.json)
"""

from __future__ import annotations

import json
import random
import sys
import time
import tomllib

from aistack.engine.jsoncdoc import JsoncDocument
from aistack.engine.tomldoc import TomlDocument


def timed(fn, runs: int = 3) -> float:
    """Best of a few runs: the first one also pays for warming caches up."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def big_json(megabytes: float) -> str:
    rng = random.Random(1)
    projects, text = {}, ""
    while len(text) < megabytes * 1e6:
        for i in range(len(projects), len(projects) + 200):
            projects[f"/home/u/p{i}"] = {"history": [{"display": "x" * rng.randint(10, 200), "pastedContents": {}}
                                                     for _ in range(20)], "allowedTools": [], "n": i}
        text = json.dumps({"projects": projects}, indent=2)
    return text


def main() -> None:
    megabytes = float(sys.argv[1]) if len(sys.argv) > 1 else 10
    text = big_json(megabytes)
    stdlib = timed(lambda: json.loads(text))
    parse = timed(lambda: JsoncDocument(text))
    doc = JsoncDocument(text)
    edit = timed(lambda: doc.set(("mcpServers", "docs"), {"url": "https://mcp.example.com/docs/mcp"}), runs=1)
    print(f"JSONC {len(text) / 1e6:.1f} MB: parse {parse:.2f}s = {parse / stdlib:.1f}x json.loads; "
          f"one set {edit:.2f}s")

    toml = "".join(f'[mcp_servers.s{i}]\ncommand = "uvx"\nargs = ["a", "b"]  # why\nenv = {{K = "v"}}\n\n'
                   for i in range(5000))
    stdlib = timed(lambda: tomllib.loads(toml))
    parse = timed(lambda: TomlDocument(toml))
    doc = TomlDocument(toml)
    edit = timed(lambda: doc.set(("mcp_servers", "docs"), {"url": "https://mcp.example.com/docs/mcp"}), runs=1)
    print(f"TOML {len(toml) / 1e6:.1f} MB: parse {parse:.2f}s = {parse / stdlib:.1f}x tomllib.loads; "
          f"one set {edit:.2f}s")


if __name__ == "__main__":
    main()
