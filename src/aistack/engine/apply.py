"""Apply an adapter's edits to one config file: read, parse, decide ownership, edit surgically, back up, write.

Rules (the user's bytes come first):
- a file that cannot be read or parsed is never rewritten;
- which entries are written, left, replaced or taken out is `editor.Editor`'s to decide;
- remove takes out exactly what aistack added, and restores a file aistack created (or found blank) to that,
  deleting the directories aistack made for it once they are empty;
- every change goes through the journal (crash-safe: the file as it was or as it will be, its record with it),
  after a complete backup in aistack's data dir; only regular files are read, symlinks are written through.
"""

from __future__ import annotations

import contextlib
import difflib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from aistack.engine import files, journal, made, ownership
from aistack.engine.document import ParseError, from_bytes
from aistack.engine.editor import Change, Editor, is_empty
from aistack.engine.files import backup_once, file_lock, read_bytes, resolve_target
from aistack.engine.text import FileText
from aistack.errors import AistackError
from aistack.paths import PRIVATE_DIR, Env


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

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "status": self.status}
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


def _read_only(target: FsPath) -> FsPath | None:
    """The file, or its nearest existing directory, when it has no write bit: a chmod is a wish, even for root."""
    probe = target if target.exists() else next((p for p in target.parents if p.exists()), None)
    if probe is None:
        return None
    if not os.access(probe, os.W_OK) or not probe.stat().st_mode & 0o222:
        return probe
    return None


def apply_file(env: Env, path: FsPath, fmt: str, changes: Iterable[Change], owner: str, *,
               remove: bool = False, force: bool = False, dry_run: bool = False, private: bool = True) -> FileOutcome:
    """One file's setup or removal. private: a file for one user (a new file 0600, new directories 0700), else a
    file a team commits (0644 and 0755, less the umask)."""
    outcome = FileOutcome(path=str(path))
    changes = list(changes)
    try:
        with contextlib.nullcontext() if dry_run else file_lock(path):
            _apply_locked(env, FsPath(path), fmt, changes, owner, outcome, remove=remove, force=force,
                          dry_run=dry_run, private=private)
    except AistackError as e:
        outcome.status, outcome.error = "error", e.message
    except OSError as e:  # aistack's own data dir (records, locks) not writable, a disk full
        where = f": {e.filename}" if e.filename else ""
        outcome.status, outcome.error = "error", f"cannot complete ({e.strerror or e}{where}); run again once fixed."
    return outcome


def _apply_locked(env: Env, path: FsPath, fmt: str, changes: list[Change], owner: str, outcome: FileOutcome, *,
                  remove: bool, force: bool, dry_run: bool, private: bool) -> None:
    target = resolve_target(path)
    if dry_run:
        record = journal.current_record(env, path)
    else:
        journal.recover(env, path, target)
        record = ownership.load(env, path)
    data = read_bytes(path)
    if data is None and (remove or not changes):
        if record.entries and not dry_run:  # the file is gone, and with it everything aistack had there
            record.entries.clear()
            ownership.save(env, path, record)
        if remove and not dry_run:
            made.prune(env, target.parent)  # the directories aistack made for it, when empty
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
        outcome.status = "removed"
        if not dry_run:
            _guard(path, target)
            _writing(lambda: journal.delete(env, path, target, record), path)
            made.prune(env, target.parent)
        return
    if restore_origin:
        assert record.origin is not None  # restore_origin is set only for a recorded origin
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
    _guard(path, target)

    def write() -> None:
        if data is not None and record.origin != "absent":  # a file aistack created has no earlier version
            backup = backup_once(target, data, FsPath(env.data_dir()))
            outcome.backup = str(backup) if backup else None
        elif data is None:
            made.create(env, target.parent, PRIVATE_DIR if private else files.shared_mode(files.SHARED_DIR))
        mode = files.PRIVATE_FILE if private else files.shared_mode(files.SHARED_FILE)
        journal.write(env, path, target, new_bytes, record, mode)

    _writing(write, path)


def _guard(path: FsPath, target: FsPath) -> None:
    """Refuse what must not be written: a read-only file or directory, a link into a directory that is missing."""
    if target != path and not target.parent.is_dir():
        raise AistackError(f"{path} links to {target}, whose directory does not exist; aistack creates nothing "
                           "outside the link's own place (create the directory or fix the link, then run again).")
    blocker = _read_only(target)
    if blocker is not None:
        raise AistackError(f"{blocker} is read-only; aistack did not change {path} (make it writable, then run again).")


def _writing(step: Callable[[], object], path: FsPath) -> None:
    try:
        step()
    except PermissionError as e:
        raise AistackError(f"{path}: cannot write ({e.strerror}: {e.filename}); nothing was changed.") from None
    except OSError as e:
        raise AistackError(f"{path}: cannot write ({e.strerror or e}); nothing was changed.") from None
