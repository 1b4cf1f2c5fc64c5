"""The directories aistack made for users' config files: recorded, so `--remove` takes them out again (only
those, and only once empty) and detection never takes them, or a file aistack created, for an assistant's own.

One record in aistack's data dir (`made.json`): each directory's path and identity (device and inode). A
directory is recorded before it is made and its identity filled in right after, so a run killed in between
leaves a record the next `--remove` still honours; a directory with another identity was made again by someone
else, and is never aistack's to remove.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from aistack.engine import files, ownership
from aistack.paths import Env

RECORD = "made.json"


def _record(env: Env) -> Path:
    return Path(env.data_dir()) / RECORD


def _load(env: Env) -> list[dict[str, Any]]:
    data = ownership.read_json(_record(env))
    dirs = data.get("dirs") if isinstance(data, dict) else None
    if not isinstance(dirs, list):
        return []
    return [d for d in dirs if isinstance(d, dict) and isinstance(d.get("path"), str)]


def _save(env: Env, dirs: list[dict[str, Any]]) -> None:
    ownership.write_json(env, _record(env), {"dirs": dirs} if dirs else None)


def _same(entry: dict[str, Any], st: os.stat_result) -> bool:
    return "ino" not in entry or (entry.get("dev"), entry.get("ino")) == (st.st_dev, st.st_ino)


def create(env: Env, directory: Path, mode: int) -> list[Path]:
    """Make `directory` and its missing parents, each with exactly `mode`, and record them as aistack's."""
    missing = files.missing_dirs(directory)
    if not missing:
        return []
    with files.file_lock(_record(env)):
        files.clean_temps(_record(env))  # a killed run's
        dirs = [d for d in _load(env) if d["path"] not in {str(m) for m in missing}]
        entries: list[dict[str, Any]] = [{"path": str(m)} for m in missing]
        _save(env, dirs + entries)
        made = []
        for path, entry in zip(missing, entries, strict=True):
            try:
                files.make_dir(path, mode)
            except FileExistsError:  # made meanwhile by someone else: not aistack's
                continue
            st = os.stat(path)
            entry.update(dev=st.st_dev, ino=st.st_ino)
            made.append((path, entry))
        _save(env, dirs + [entry for _, entry in made])
    return [path for path, _ in made]


def tidy(env: Env) -> None:
    """Delete the temp files a killed run left beside the record (under its lock, only when there are any)."""
    record = _record(env)
    try:
        stray = any(e.name.startswith(f".{RECORD}.") for e in os.scandir(record.parent))
    except OSError:
        return
    if stray:
        with files.file_lock(record):
            files.clean_temps(record)


def prune(env: Env, start: Path) -> list[Path]:
    """Remove the directories aistack made on the way to `start`, deepest first, while they are empty."""
    if not any(d["path"] == str(start) for d in _load(env)):
        return []
    removed: list[Path] = []
    with files.file_lock(_record(env)):
        files.clean_temps(_record(env))
        dirs = {d["path"]: d for d in _load(env)}
        current = Path(start)
        while str(current) in dirs:
            entry = dirs[str(current)]
            try:
                st = os.lstat(current)
            except FileNotFoundError:
                dirs.pop(str(current))
                current = current.parent
                continue
            if not stat.S_ISDIR(st.st_mode) or not _same(entry, st):
                dirs.pop(str(current))  # someone else's now
                break
            try:
                os.rmdir(current)
            except OSError:
                break  # it holds something: it stays, and stays recorded
            dirs.pop(str(current))
            removed.append(current)
            current = current.parent
        _save(env, list(dirs.values()))
    return removed


def hidden(env: Env) -> frozenset[str]:
    """What aistack made that holds only what aistack wrote: the files it created and the directories it made
    with nothing else in them. Detection looks past these; they say nothing about an assistant being here."""
    created: set[str] = set()
    try:
        records = list(os.scandir(Path(env.data_dir()) / "owned"))
    except OSError:
        records = []
    for entry in records:
        if entry.name.endswith(".json") and entry.name.count(".") == 1:
            data = ownership.read_json(Path(entry.path))
            if isinstance(data, dict) and data.get("origin") == "absent" and isinstance(data.get("file"), str):
                created.add(data["file"])
    dirs = set()
    for made_dir in _load(env):
        try:
            st = os.lstat(made_dir["path"])
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode) and _same(made_dir, st):
            dirs.add(made_dir["path"])
    verdict: dict[str, bool] = {}

    def only_ours(directory: str) -> bool:
        if directory not in verdict:
            verdict[directory] = False  # no cycles through links: a directory is judged once
            try:
                children = [c.path for c in os.scandir(directory)]
            except OSError:
                children = [""]
            verdict[directory] = all(c in created or (c in dirs and only_ours(c)) for c in children)
        return verdict[directory]

    return frozenset(created | {d for d in dirs if only_ours(d)})
