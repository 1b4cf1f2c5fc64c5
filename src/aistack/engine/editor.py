"""The decisions for one file: which entries aistack writes, leaves, replaces or takes out, on one parsed document.

- A path missing from the file is written, and recorded as aistack's.
- A path aistack wrote earlier (its value still hashes to the record) is aistack's: replaced whole when the org
  profile changed it, taken out by remove.
- A value aistack did not write is the user's. Equal to what aistack would write: said so, and left alone, now
  and by remove. Different: a conflict, replaced only with force; the exact text it replaced (comments, layout,
  position) is kept in the record and put back, byte for byte, by remove.
- A soft change (gateway routing, `Change.soft` names its group) gives way to the user's own choice without a
  conflict: when any path of the group holds a value of the user's, the group is left out (`kept` says why)
  unless forced. `Change.aliases` are older spellings of the same setting: a value of the user's there counts as
  their choice too, and when aistack writes the setting it writes every spelling the file holds.
Take-outs run newest first, the reverse of how the edits were made, so every kept text finds its surroundings.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aistack.engine import ownership, patch
from aistack.engine.document import MISSING, Document, Item, ParseError, Path, PathError, parse, show_path
from aistack.engine.ownership import Owned, value_hash


@dataclass(frozen=True)
class Change:
    path: Path
    value: Any
    soft: str | None = None  # gateway routing: the group of changes that gives way to the user's choice
    aliases: tuple[Path, ...] = ()  # older spellings of the same setting


def is_empty(value: Any) -> bool:
    return bool(value == {} or value == [])


def _shown(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class Editor:
    def __init__(self, fmt: str, doc: Document, record: ownership.FileRecord, owner: str, force: bool):
        self.fmt = fmt
        self.doc = doc
        self.record = record
        self.owner = owner
        self.force = force
        self.conflicts: list[str] = []
        self.notes: list[str] = []  # the user's entries that are already what aistack would write
        self.kept: list[str] = []  # soft groups left out for the user's choice
        self._created: set[Path] = set()

    def run(self, changes: list[Change], remove: bool) -> None:
        """Remove: take out everything this owner wrote. Otherwise put every change, and take out what this
        owner wrote that the profile no longer asks for (and routing that now gives way)."""
        mine = [o for o in self.record.entries.values() if o.owns(self.owner)]
        if remove:
            for owned in reversed(mine):  # a file shared by two assistants: removing one takes them out
                self._guarded(self.take_out, owned, owned.path)
        else:
            changes = self._expand(changes)
            blocked = self._blocked(changes)
            wanted = set()
            for change in changes:
                if change.soft in blocked:
                    continue
                wanted.add(ownership.FileRecord.key(change.path))
                self._guarded(self.put, change, change.path)
            for owned in reversed(mine):  # no longer in the org profile, and no one else's
                if ownership.FileRecord.key(owned.path) not in wanted and self.record.get(owned.path) is owned \
                        and not owned.release(self.owner):
                    self._guarded(self.take_out, owned, owned.path)
        self._guarded(lambda _: self._prune_created(), None, ())

    def _guarded(self, step: Callable[[Any], object], arg: Any, path: Path) -> None:
        """A path the document cannot edit (through an alias, inside an array of tables...) is a conflict."""
        try:
            step(arg)
        except PathError as e:
            self.conflicts.append(f"`{show_path(e.path or path)}`: {e.message}; aistack leaves it alone")

    # -- which changes -----------------------------------------------------------------------------------

    def _expand(self, changes: list[Change]) -> list[Change]:
        """Each change, and the same change at each older spelling of its path the file holds: one setting, so
        the assistant reads one value whichever spelling its version knows."""
        out = []
        for change in changes:
            out.append(change)
            out += [Change(alias, change.value, change.soft) for alias in change.aliases if self.doc.has(alias)]
        return out

    def _blocked(self, changes: list[Change]) -> set[str]:
        """The soft groups a value of the user's stands in the way of (none when forced)."""
        blocked: dict[str, list[str]] = {}
        for change in changes:
            if change.soft is None or self.force:
                continue
            where = change.path
            current = self.doc.get(where)
            if current is MISSING or value_hash(current) == value_hash(change.value):
                continue
            owned = self.record.get(where)
            if owned is not None and value_hash(current) == owned.hash:
                continue
            blocked.setdefault(change.soft, []).append(f"`{show_path(where)}` is {_shown(current)}")
        for group, reasons in blocked.items():
            self.kept.append(f"{', '.join(reasons)}: your choice, left as it is ({group} not set up)")
        return set(blocked)

    # -- put -----------------------------------------------------------------------------------------------

    def put(self, change: Change) -> None:
        path, value = change.path, change.value
        wanted = value_hash(value)
        current = self.doc.get(path)
        owned = self.record.get(path)
        if owned is not None and owned.adopted():
            self.record.drop(path)  # an identical entry an earlier version took for aistack's: it is the user's
            owned = None
        if current is MISSING:
            top = self._first_missing(path)
            self.doc.set(path, value)
            self.record.put(Owned(path, wanted, self.owner, created=top if top != path else None, soft=change.soft))
            return
        have = value_hash(current)
        if owned is not None and have == owned.hash:
            if have != wanted:
                self._rewrite(owned, value)
            owned.hash, owned.soft = wanted, change.soft
            owned.share(self.owner)  # assistants sharing one file (Windsurf, Devin) share the entry
        elif owned is None and have == wanted:
            self.notes.append(f"`{show_path(path)}` is already there as aistack would write it: yours, left as it is")
        elif self.force:
            if owned is not None:  # aistack's entry, edited since: the user's original (if any) is still the one
                self._rewrite(owned, value)
                owned.hash, owned.soft = wanted, change.soft
                owned.share(self.owner)
                return
            before = self.doc.dump()
            self.doc.set(path, value)
            self.record.put(Owned(path, wanted, self.owner, soft=change.soft,
                                  previous=current if ownership.storable(current) else MISSING,
                                  original=patch.diff(before, self.doc.dump())))
        else:
            what = "was changed since aistack wrote it" if owned is not None else "already exists and is not aistack's"
            self.conflicts.append(f"`{show_path(path)}` {what}; left alone (use --force to replace it)")

    def _rewrite(self, owned: Owned, value: Any) -> None:
        """Replace aistack's value at an owned path; the user's text it replaced stays what remove puts back."""
        if owned.original:
            base = patch.revert(self.doc.dump(), owned.original)
            doc = self._reparse(base) if base is not None else None
            if doc is not None and doc.has(owned.path):
                doc.set(owned.path, value)
                owned.original = patch.diff(base, doc.dump())  # type: ignore[arg-type]  # base is not None here
                self.doc = doc
                return
        self.doc.set(owned.path, value)

    def _first_missing(self, path: Path) -> Path:
        for depth in range(1, len(path) + 1):
            if not self.doc.has(path[:depth]):
                return path[:depth]
        return path

    # -- take out ------------------------------------------------------------------------------------------

    def take_out(self, owned: Owned) -> None:
        current = self.doc.get(owned.path)
        if current is MISSING:
            self._drop(owned)
            return
        if value_hash(current) != owned.hash:
            if owned.soft is not None:  # routing the user changed since: theirs now
                self._drop(owned)
                return
            if not self.force:
                self.conflicts.append(f"`{show_path(owned.path)}` was changed since aistack wrote it; "
                                      "left in place (use --force to remove it)")
                return
        if owned.adopted():
            self._drop(owned)  # an identical entry of the user's, recorded by an earlier version
            return
        if owned.original or owned.previous is not MISSING:
            if not self._restore(owned):
                return
        else:
            self.doc.delete(owned.path)
        if owned.created is not None:
            for depth in range(len(owned.created), len(owned.path)):
                self._created.add(owned.path[:depth])
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

    def _restore(self, owned: Owned) -> bool:
        """Put back what aistack replaced: its exact text when the text around it is as it was, else its value."""
        if owned.original:
            text = patch.revert(self.doc.dump(), owned.original)
            doc = self._reparse(text) if text is not None else None
            if doc is not None and self._only_changed(doc, owned):
                self.doc = doc
                return True
        if owned.previous is not MISSING:
            try:
                self.doc.set(owned.path, owned.previous)
                return True
            except (ValueError, PathError):
                pass
        self.conflicts.append(f"`{show_path(owned.path)}`: the text around it changed, so aistack cannot put your "
                              "entry back exactly; aistack's entry is left in place (yours is in the backup)")
        return False

    def _only_changed(self, doc: Document, owned: Owned) -> bool:
        """The restored document differs from the current one at the owned path only."""
        if not doc.has(owned.path):
            return False
        if owned.previous is not MISSING and value_hash(doc.get(owned.path)) != value_hash(owned.previous):
            return False
        return bool(_without(doc.get(owned.path[:-1]), owned.path[-1]) ==
                    _without(self.doc.get(owned.path[:-1]), owned.path[-1]))

    def _reparse(self, text: str) -> Document | None:
        try:
            return parse(self.fmt, text)
        except ParseError:
            return None

    def _prune_created(self) -> None:
        """Delete the parents aistack created once nothing is left in them (deepest first)."""
        for path in sorted(self._created, key=len, reverse=True):
            if is_empty(self.doc.get(path)):
                self.doc.delete(path)


def _without(parent: Any, key: Any) -> Any:
    if isinstance(parent, dict) and not isinstance(key, Item):
        return {k: v for k, v in parent.items() if k != key}
    if isinstance(parent, list) and isinstance(key, Item):
        return [e for e in parent if not (isinstance(e, dict) and e.get(key.key) == key.value)]
    return parent
