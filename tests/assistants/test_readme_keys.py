"""The README's table of what aistack writes per assistant is the plans' own list: every key each adapter
writes for the example org is in it (marked † when it gives way to the user's own value), and nothing else."""

import itertools
import re
from pathlib import Path

from aistack.assistants import registry
from aistack.assistants.base import Context
from aistack.engine.document import Item, show_path
from aistack.paths import Env
from aistack.profile import load
from support import EXAMPLE_ORG

README = Path(__file__).resolve().parent.parent.parent / "README.md"


def _expand(token: str) -> list[str]:
    parts = re.split(r"\{([^}]*)\}", token)
    choices = [[p] if i % 2 == 0 else p.split(",") for i, p in enumerate(parts)]
    return ["".join(c) for c in itertools.product(*choices)]


def documented() -> dict[str, set[tuple[str, bool]]]:
    text = README.read_text()
    table = text[text.index("What aistack writes, per assistant"):]
    table = table[:table.index("\n\n", table.index("|---"))]
    keys: dict[str, set[tuple[str, bool]]] = {}
    current: list[str] = []
    for row in table.splitlines()[3:]:
        cells = [c.strip() for c in row.strip("|").split("|")]
        if cells[0]:
            current = re.findall(r"`([^`]+)`", cells[0])
        cell = re.sub(r"\([^)]*\)", "", cells[2])  # what is in parentheses explains, it is not a key list
        for m in re.finditer(r"`([^`]+)`\s*(†)?", cell):
            for name in current:
                keys.setdefault(name, set()).update((k, bool(m.group(2))) for k in _expand(m.group(1)))
    return keys


def written(home: Path) -> dict[str, set[tuple[str, bool]]]:
    org = load(str(EXAMPLE_ORG))
    servers = {s.name for s in org.mcp_servers}
    (home / ".continue").mkdir()
    (home / ".continue" / "config.yaml").write_text("name: Local Config\nversion: 1.0.0\n")  # Continue's own
    env = Env(home=home, environ={}, platform="linux")
    keys: dict[str, set[tuple[str, bool]]] = {}
    for name in registry.names():
        adapter = registry.get(name)
        for edit in adapter.plan(org, Context(env=env, relay="http://127.0.0.1:24000")).edits:  # as setup does
            depth = len(adapter.SERVERS.get(edit.file, ()))
            path = tuple(("NAME" if i == depth and k in servers else k) if not isinstance(k, Item)
                         else Item(k.key, "NAME" if k.value in servers else k.value) for i, k in enumerate(edit.path))
            keys.setdefault(name, set()).add((show_path(path).replace(".[", "["), edit.soft is not None))
    return keys


def test_the_readme_lists_every_key_each_assistant_writes(tmp_path):
    assert documented() == written(tmp_path)
