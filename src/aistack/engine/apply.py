"""Apply an adapter's edits to one config file: read, parse, decide ownership, edit surgically, back up, write.

Rules (the user's bytes come first):
- a file that cannot be read or parsed is never rewritten;
- which entries are written, left, replaced or taken out is `editor.Editor`'s to decide;
- remove takes out exactly what aistack added, and restores a file aistack created (or found blank) to that.
"""

from __future__ import annotations

import contextlib
import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path as FsPath

from aistack.engine import ownership
from aistack.engine.document import ParseError, from_bytes
from aistack.engine.editor import Change, Editor, is_empty
from aistack.engine.files import atomic_write, backup_once, file_lock, read_bytes
from aistack.engine.text import FileText
from aistack.errors import AistackError
from aistack.paths import Env


@dataclass
class FileOutcome:
    path: str
    status: str = "unchanged"  # created | changed | unchanged | removed | error
    diff: str = ""
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # the user's entries already as aistack would write them
    kept: list[str] = field(default_factory=list)  # the user's own routing choices, left as they are
    error: str | None = None
    backup: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and not self.conflicts

    def to_json(self) -> dict:
        data = {"path": self.path, "status": self.status}
        if self.conflicts:
            data["conflicts"] = self.conflicts
        if self.notes:
            data["notes"] = self.notes
        if self.kept:
            data["kept"] = self.kept
        if self.error:
            data["error"] = self.error
        if self.backup:
            data["backup"] = self.backup
        return data


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
    try:
        framing, doc = from_bytes(data, fmt)
        # The document holds the text now: a second copy of a 50 MB file is kept only for a dry run's diff.
        blank = not framing.text.strip()
        before = framing.text if dry_run or blank else ""
        framing = FileText(framing.bom, framing.newline, "")
    except ParseError as e:
        raise AistackError(f"{path}:{e.line}:{e.column}: {e.message}; aistack did not change this file "
                           "(fix it or move it aside, then run again)") from None

    first_write = not record.entries
    editor = Editor(fmt, doc, record, owner, force)
    editor.run(changes, remove)
    doc = editor.doc
    outcome.conflicts, outcome.notes, outcome.kept = editor.conflicts, editor.notes, editor.kept

    after = doc.dump()
    if first_write and record.entries:
        record.origin = "absent" if data is None else ("blank:" + before if blank else None)
    restore_origin = (not record.entries and record.origin is not None and is_empty(doc.get(())))
    if restore_origin and record.origin == "absent":
        outcome.diff = _diff(path, before, "", True) if dry_run else ""
        if not dry_run:
            path.unlink()
            ownership.save(env, path, record)
        outcome.status = "removed"
        return
    if restore_origin:
        after = record.origin.removeprefix("blank:")
    new_bytes = framing.encode(after)
    if data is not None and new_bytes == data:
        if not dry_run:
            ownership.save(env, path, record)
        return
    outcome.diff = _diff(path, before, after, data is not None) if dry_run else ""  # printed by dry runs only
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
