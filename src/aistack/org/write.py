"""Writing `aistack org build`'s files into a directory without clobbering anyone else's.

The directory keeps a manifest (`.aistack-org.json`: each file aistack wrote, with its SHA-256). A file there that
aistack did not write, or that someone changed since, is a conflict: left alone and reported (exit 1) unless
`--force`. A file aistack wrote earlier and no longer builds is removed, when it is still as written.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from aistack.errors import AistackError

MANIFEST = ".aistack-org.json"


@dataclass
class Outcome:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # paths not aistack's (or changed since): left alone


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _manifest(out: Path) -> dict[str, str]:
    path = out / MANIFEST
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
        if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
            raise TypeError
        return dict(files)
    except (ValueError, KeyError, TypeError, OSError):
        raise AistackError(f"{path} is damaged, so aistack cannot tell which files in {out} it wrote.",
                           hint="Delete it and run again with --force, or build into an empty directory.") from None


def _inside(out: Path, rel: str) -> Path:
    target = out.joinpath(*rel.split("/"))
    if not target.resolve().is_relative_to(out.resolve()):
        raise AistackError(f"{target} leads outside {out} (through a symbolic link); nothing was written there.",
                           hint="Build into a directory without symbolic links leading out of it.")
    return target


def _current(path: Path) -> bytes | None:
    if path.is_symlink() or (path.exists() and not path.is_file()):
        return b""  # not a plain file: never aistack's
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def write(files: dict[str, bytes], out: Path, *, force: bool = False) -> Outcome:
    from aistack.engine.files import atomic_write

    if out.exists() and not out.is_dir():
        raise AistackError(f"--out {out} is not a directory.", hint="Name a directory (it is created if missing).",
                           exit_code=2)
    out.mkdir(parents=True, exist_ok=True)
    before = _manifest(out)
    after: dict[str, str] = {}
    result = Outcome()
    for rel, data in sorted(files.items()):
        target = _inside(out, rel)
        now = _current(target)
        if now == data:
            result.unchanged.append(rel)
            after[rel] = _sha(data)
            continue
        ours = now is None or before.get(rel) == _sha(now)
        if not ours and not force:
            result.conflicts.append(rel)
            if rel in before:
                after[rel] = before[rel]  # still ours to recognise, once the change is resolved
            continue
        if target.is_symlink() or (target.exists() and not target.is_file()):
            raise AistackError(f"{target} is not a regular file; aistack does not replace it.",
                               hint="Move it away and run again.")
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, data)
        result.written.append(rel)
        after[rel] = _sha(data)
    for rel, sha in sorted(before.items()):
        if rel in files:
            continue
        target = _inside(out, rel)
        now = _current(target)
        if now is None:
            continue
        if _sha(now) != sha:
            result.conflicts.append(rel)  # changed since aistack wrote it: not removed
            continue
        target.unlink()
        result.removed.append(rel)
        _prune(target.parent, out)
    atomic_write(out / MANIFEST, json.dumps({"written_by": "aistack org build", "files": after}, indent=2) + "\n")
    return result


def _prune(directory: Path, out: Path) -> None:
    """Remove the directories a removed file leaves empty, up to (not including) `out`."""
    while directory != out and directory.is_relative_to(out):
        try:
            directory.rmdir()
        except OSError:
            return
        directory = directory.parent
