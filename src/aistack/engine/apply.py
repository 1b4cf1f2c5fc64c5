"""Apply an adapter's edits to one config file: read, parse, decide ownership, edit surgically, back up, write.

Rules (the user's bytes come first):
- a file that cannot be read or parsed is never rewritten;
- a path aistack wrote earlier (its value still hashes to the record) is replaced whole, never merged;
- a value aistack did not write is the user's: reported as a conflict, replaced only with force
  (the user's value is kept in the record and restored by remove);
- a value equal to what aistack would write is adopted, and left as it was by remove;
- remove takes out exactly what aistack added, and restores a file aistack created (or found blank) to that,
  deleting the directories aistack made for it once they are empty;
- every change goes through the journal (crash-safe: the file as it was or as it will be, its record with it),
  after a complete backup in aistack's data dir; only regular files are read, symlinks are written through.
"""

from __future__ import annotations

import contextlib
import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any, Iterable

from aistack.engine import files, journal, made, ownership, text
from aistack.engine.document import MISSING, Item, ParseError, Path, PathError, parse
from aistack.engine.files import backup_once, file_lock, read_bytes, resolve_target
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
            owned.hash = wanted
            owned.share(self.owner)  # assistants sharing one file (Windsurf, Devin) share the entry
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
            self._drop(owned)
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
        self._drop(owned)

    def _drop(self, owned: Owned) -> None:
        """Forget an entry; the parent it created passes to an entry of aistack's still in it, which takes it out
        when it goes last."""
        self.record.drop(owned.path)
        if owned.created is None:
            return
        for heir in self.record.entries.values():
            if heir.created is None and heir.path[:len(owned.created)] == owned.created:
                heir.created = owned.created
                break

    def prune_created(self) -> None:
        """Delete the parents aistack created once nothing is left in them (deepest first)."""
        for path in sorted(self.created, key=len, reverse=True):
            if _is_empty(self.doc.get(path)):
                self.doc.delete(path)


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
        framing = text.split(data) if data is not None else text.FileText(False, "\n", "")
        before = framing.text
        doc = parse(fmt, before)
    except ParseError as e:
        raise AistackError(f"{path}:{e.line}:{e.column}: {e.message}; aistack did not change this file "
                           "(fix it or move it aside, then run again)") from None

    first_write = not record.entries
    editor = _Editor(doc, record, owner, force)
    wanted = {ownership.FileRecord.key(c.path) for c in changes}
    if remove:
        for owned in list(record.entries.values()):
            if owned.owns(owner):
                editor.take_out(owned)  # a file shared by two assistants: removing one takes them out
    else:
        for change in changes:
            editor.put(change)
        for key, owned in list(record.entries.items()):
            if owned.owns(owner) and key not in wanted and not owned.release(owner):
                editor.take_out(owned)  # no longer in the org profile, and no one else's
    editor.prune_created()
    outcome.conflicts = editor.conflicts

    after = doc.dump()
    if first_write and record.entries:
        record.origin = "absent" if data is None else ("blank:" + before if not before.strip() else None)
    restore_origin = (not record.entries and record.origin is not None and _is_empty(doc.get(())))
    if restore_origin and record.origin == "absent":
        outcome.diff = _diff(path, before, "", True)
        outcome.status = "removed"
        if not dry_run:
            _guard(path, target)
            _writing(lambda: journal.delete(env, path, target, record), path)
            made.prune(env, target.parent)
        return
    if restore_origin:
        after = record.origin.removeprefix("blank:")
    new_bytes = framing.encode(after)
    if data is not None and new_bytes == data:
        if not dry_run:
            ownership.save(env, path, record)
        return
    outcome.diff = _diff(path, before, after, data is not None)
    outcome.status = "created" if data is None else "changed"
    if dry_run:
        return
    _guard(path, target)

    def write() -> None:
        if data is not None and record.origin != "absent":  # a file aistack created has no earlier version
            backup = backup_once(target, data, FsPath(env.data_dir()))
            outcome.backup = str(backup) if backup else None
        elif data is None:
            made.create(env, target.parent, files.PRIVATE_DIR if private else files.shared_mode(files.SHARED_DIR))
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


def _writing(step, path: FsPath) -> None:
    try:
        step()
    except PermissionError as e:
        raise AistackError(f"{path}: cannot write ({e.strerror}: {e.filename}); nothing was changed.") from None
    except OSError as e:
        raise AistackError(f"{path}: cannot write ({e.strerror or e}); nothing was changed.") from None
