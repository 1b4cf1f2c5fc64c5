"""Apply an adapter's edits to one config file: read, parse, decide ownership, edit surgically, back up, write.

Rules (the user's bytes come first):
- a file that cannot be read or parsed is never rewritten;
- a path aistack wrote earlier (its value still hashes to the record) is replaced whole, never merged;
- a value aistack did not write is the user's: reported as a conflict, replaced only with force
  (the user's value is kept in the record and restored by remove);
- a value equal to what aistack would write is adopted, and left as it was by remove;
- remove takes out exactly what aistack added, and restores a file aistack created (or found blank) to that.
"""

from __future__ import annotations

import contextlib
import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any, Iterable

from aistack.engine import ownership, text
from aistack.engine.document import MISSING, Item, ParseError, Path, PathError, parse
from aistack.engine.files import atomic_write, backup_once, file_lock, read_bytes
from aistack.engine.ownership import Owned, value_hash
from aistack.errors import AistackError
from aistack.paths import Env


@dataclass(frozen=True)
class Change:
    path: Path
    value: Any


@dataclass
class FileOutcome:
    path: str
    status: str = "unchanged"  # created | changed | unchanged | removed | error
    diff: str = ""
    conflicts: list[str] = field(default_factory=list)
    error: str | None = None
    backup: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and not self.conflicts

    def to_json(self) -> dict:
        data = {"path": self.path, "status": self.status}
        if self.conflicts:
            data["conflicts"] = self.conflicts
        if self.error:
            data["error"] = self.error
        if self.backup:
            data["backup"] = self.backup
        return data


def show_path(path: Path) -> str:
    parts = []
    for k in path:
        parts.append(f"[{k.key}={k.value}]" if isinstance(k, Item) else (k if "." not in k else f'"{k}"'))
    return ".".join(parts) or "(top level)"


def _is_empty(value: Any) -> bool:
    return value == {} or value == []


class _Editor:
    """The decisions for one file, on a parsed document and its ownership record."""

    def __init__(self, doc, record: ownership.FileRecord, owner: str, force: bool):
        self.doc = doc
        self.record = record
        self.owner = owner
        self.force = force
        self.conflicts: list[str] = []
        self.created: set[Path] = set()

    def _first_missing(self, path: Path) -> Path:
        for depth in range(1, len(path) + 1):
            if not self.doc.has(path[:depth]):
                return path[:depth]
        return path

    def put(self, change: Change) -> None:
        path, value = change.path, change.value
        wanted = value_hash(value)
        current = self.doc.get(path)
        owned = self.record.get(path)
        if current is MISSING:
            top = self._first_missing(path)
            try:
                self.doc.set(path, value)
            except PathError as e:
                self.conflicts.append(f"`{show_path(e.path)}`: {e.message}; aistack leaves it alone")
                return
            self.record.put(Owned(path, wanted, self.owner, created=top if top != path else None))
            return
        have = value_hash(current)
        if owned is not None and have == owned.hash:
            if have != wanted:
                self.doc.set(path, value)
            owned.hash, owned.owner = wanted, self.owner
        elif have == wanted:
            self.record.put(Owned(path, wanted, self.owner, previous=current))
        elif self.force:
            previous = owned.previous if owned is not None else current
            self.doc.set(path, value)
            self.record.put(Owned(path, wanted, self.owner, previous=previous,
                                  created=owned.created if owned is not None else None))
        else:
            what = "was changed since aistack wrote it" if owned is not None else "already exists and is not aistack's"
            self.conflicts.append(f"`{show_path(path)}` {what}; left alone (use --force to replace it)")

    def take_out(self, owned: Owned) -> None:
        current = self.doc.get(owned.path)
        if current is MISSING:
            self.record.drop(owned.path)
            return
        if value_hash(current) != owned.hash and not self.force:
            self.conflicts.append(f"`{show_path(owned.path)}` was changed since aistack wrote it; "
                                  "left in place (use --force to remove it)")
            return
        if owned.previous is not MISSING:
            self.doc.set(owned.path, owned.previous)
        else:
            self.doc.delete(owned.path)
        if owned.created is not None:
            for depth in range(len(owned.created), len(owned.path)):
                self.created.add(owned.path[:depth])
        self.record.drop(owned.path)

    def prune_created(self) -> None:
        """Delete the parents aistack created once nothing is left in them (deepest first)."""
        for path in sorted(self.created, key=len, reverse=True):
            if _is_empty(self.doc.get(path)):
                self.doc.delete(path)


def _decode(path: FsPath, data: bytes) -> tuple[text.Framing, str]:
    try:
        return text.split(data)
    except UnicodeDecodeError as e:
        raise AistackError(f"{path}: not UTF-8 text (byte {e.start}); aistack will not change it.") from None


def _diff(path: FsPath, before: str, after: str, existed: bool) -> str:
    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                 fromfile=str(path) if existed else "/dev/null", tofile=str(path))
    out = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
    return out


def _read_only(path: FsPath) -> FsPath | None:
    """The file, or its nearest existing directory, when it has no write bit: a chmod is a wish, even for root."""
    target = path.resolve() if path.is_symlink() else path
    probe = target if target.exists() else next((p for p in target.parents if p.exists()), None)
    if probe is None:
        return None
    if not os.access(probe, os.W_OK) or not probe.stat().st_mode & 0o222:
        return probe
    return None


def apply_file(env: Env, path: FsPath, fmt: str, changes: Iterable[Change], owner: str, *,
               remove: bool = False, force: bool = False, dry_run: bool = False) -> FileOutcome:
    outcome = FileOutcome(path=str(path))
    changes = list(changes)
    lock = contextlib.nullcontext() if dry_run else file_lock(path)
    try:
        with lock:
            _apply_locked(env, FsPath(path), fmt, changes, owner, outcome, remove=remove, force=force, dry_run=dry_run)
    except AistackError as e:
        outcome.status, outcome.error = "error", e.message
    return outcome


def _apply_locked(env: Env, path: FsPath, fmt: str, changes: list[Change], owner: str, outcome: FileOutcome, *,
                  remove: bool, force: bool, dry_run: bool) -> None:
    data = read_bytes(path)
    record = ownership.load(env, path)
    if data is None and (remove or not changes):
        if record.entries and not dry_run:  # the file is gone, and with it everything aistack had there
            record.entries.clear()
            ownership.save(env, path, record)
        return
    if data is None:
        framing, before = text.Framing(), ""
    else:
        framing, before = _decode(path, data)
    try:
        doc = parse(fmt, before)
    except ParseError as e:
        raise AistackError(f"{path}:{e.line}:{e.column}: {e.message}; aistack did not change this file "
                           "(fix it or move it aside, then run again)") from None

    first_write = not record.entries
    editor = _Editor(doc, record, owner, force)
    wanted = {ownership.FileRecord.key(c.path) for c in changes}
    if remove:
        for owned in list(record.entries.values()):
            if owned.owner == owner:
                editor.take_out(owned)
    else:
        for change in changes:
            editor.put(change)
        for key, owned in list(record.entries.items()):
            if owned.owner == owner and key not in wanted:
                editor.take_out(owned)  # no longer in the org profile
    editor.prune_created()
    outcome.conflicts = editor.conflicts

    after = doc.dump()
    if first_write and record.entries:
        record.origin = "absent" if data is None else ("blank:" + before if not before.strip() else None)
    restore_origin = (not record.entries and record.origin is not None and _is_empty(doc.get(())))
    if restore_origin and record.origin == "absent":
        outcome.diff = _diff(path, before, "", True)
        if not dry_run:
            path.unlink()
            ownership.save(env, path, record)
        outcome.status = "removed"
        return
    if restore_origin:
        after = record.origin.removeprefix("blank:")
    new_bytes = text.join(framing, after)
    if data is not None and new_bytes == data:
        if not dry_run:
            ownership.save(env, path, record)
        return
    outcome.diff = _diff(path, before, after, data is not None)
    outcome.status = "created" if data is None else "changed"
    if dry_run:
        return
    blocker = _read_only(path)
    if blocker is not None:
        raise AistackError(f"{blocker} is read-only; aistack did not change {path} (make it writable, then run again).")
    try:
        if data is not None:
            backup = backup_once(path)
            outcome.backup = str(backup) if backup else None
        atomic_write(path, new_bytes)
    except PermissionError as e:
        raise AistackError(f"{path}: cannot write ({e.strerror}: {e.filename}); nothing was changed.") from None
    except OSError as e:
        raise AistackError(f"{path}: cannot write ({e.strerror}); nothing was changed.") from None
    ownership.save(env, path, record)
