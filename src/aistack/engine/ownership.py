"""What aistack wrote into each user file, so its own entries are recognised without adding any key to them.

One small JSON record per config file in aistack's data dir: for every path aistack set, a hash of the value it
wrote, the top-most parent it had to create, and who asked for it (assistant and org; assistants that share one
file share its entries). When aistack replaced a user's entry (`--force`), `original` keeps the exact text it
replaced (`patch.Hunk`s: the entry's comments, layout and position) and `previous` its value when JSON can hold
it (the fallback when the text around it has changed). An entry whose current value still hashes to the record
is aistack's; anything else at that path belongs to the user.

Records written before `original` existed hold `previous` alone (for an entry aistack adopted because it was
equal to its own, `previous` hashes to the entry): they still restore.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from aistack.engine.document import MISSING, Item, Path
from aistack.engine.files import PRIVATE_FILE, atomic_write, read_bytes, resolve_target
from aistack.engine.patch import Hunk
from aistack.errors import AistackError
from aistack.paths import Env, private_dir


def value_hash(value: Any) -> str:
    """A short digest of a value: equal values, equal digests (whatever the file format made of them)."""
    try:
        text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=_plain)
    except TypeError:  # keys of different types (YAML): compared as text
        text = json.dumps(_str_keys(value), sort_keys=True, ensure_ascii=False, default=_plain)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _plain(value: Any) -> str:
    """Dates and times (TOML, YAML) by their ISO text; anything else by its repr."""
    iso = getattr(value, "isoformat", None)
    return f"{type(value).__name__}:{iso() if iso else repr(value)}"


def _str_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {f"{type(k).__name__}:{k}": _str_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_str_keys(v) for v in value]
    return value


def storable(value: Any) -> bool:
    """Whether a value survives the record's JSON unchanged (no dates, infinities or lone surrogates)."""
    try:
        json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError):
        return False
    return True


def encode_path(path: Path) -> list[Any]:
    return [{"key": k.key, "value": k.value} if isinstance(k, Item) else k for k in path]


def decode_path(raw: list[Any]) -> Path:
    return tuple(Item(k["key"], k["value"]) if isinstance(k, dict) else k for k in raw)


@dataclass
class Owned:
    path: Path
    hash: str
    owner: str
    created: Path | None = None  # top-most parent aistack created for this entry
    previous: Any = MISSING  # the value of the user's entry aistack replaced (with --force)
    original: list[Hunk] = field(default_factory=list)  # the exact text of the user's entry it replaced
    soft: str | None = None  # gateway routing: gives way to the user's own choice
    also: list[str] = field(default_factory=list)  # other owners that asked for the same entry in a shared file

    def adopted(self) -> bool:
        """A record of an earlier version for an entry equal to aistack's: the user's entry, not aistack's."""
        return not self.original and self.previous is not MISSING and value_hash(self.previous) == self.hash

    def owns(self, owner: str) -> bool:
        return owner == self.owner or owner in self.also

    def share(self, owner: str) -> None:
        if not self.owns(owner):
            self.also.append(owner)

    def release(self, owner: str) -> bool:
        """Drop one owner; True when another one still wants the entry."""
        if owner in self.also:
            self.also.remove(owner)
        elif owner == self.owner and self.also:
            self.owner = self.also.pop(0)
        else:
            return False
        return True

    def to_json(self) -> dict[str, Any]:
        data = {"path": encode_path(self.path), "hash": self.hash, "owner": self.owner}
        if self.also:
            data["also"] = list(self.also)
        if self.created is not None:
            data["created"] = encode_path(self.created)
        if self.previous is not MISSING:
            data["previous"] = self.previous
        if self.original:
            data["original"] = [h.to_json() for h in self.original]
        if self.soft is not None:
            data["soft"] = self.soft
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Owned:
        return cls(path=decode_path(data["path"]), hash=data["hash"], owner=data.get("owner", ""),
                   created=decode_path(data["created"]) if "created" in data else None,
                   previous=data.get("previous", MISSING), also=list(data.get("also", [])),
                   original=_hunks(data.get("original", [])), soft=data.get("soft"))


def _hunks(raw: Any) -> list[Hunk]:
    try:
        return [Hunk.from_json(h) for h in raw]
    except (KeyError, TypeError, ValueError):
        return []  # damaged: remove falls back to `previous`


@dataclass
class FileRecord:
    file: str
    # The file's bytes before aistack first wrote it, when that was nothing (absent) or blank: restored on remove.
    origin: str | None = None  # "absent" | "blank:<text>"
    entries: dict[str, Owned] = field(default_factory=dict)

    @staticmethod
    def key(path: Path) -> str:
        return json.dumps(encode_path(path), ensure_ascii=False)

    def get(self, path: Path) -> Owned | None:
        return self.entries.get(self.key(path))

    def put(self, owned: Owned) -> None:
        self.entries[self.key(owned.path)] = owned

    def drop(self, path: Path) -> None:
        self.entries.pop(self.key(path), None)


def record_path(env: Env, file: FsPath, suffix: str = ".json") -> FsPath:
    """The record of a config file (by its real path: a symlinked file has one record); `suffix` names the
    record's companions (the intent of a write under way)."""
    target = str(resolve_target(FsPath(file)).absolute())
    digest = hashlib.sha256(target.encode()).hexdigest()[:24]
    return FsPath(env.data_dir()) / "owned" / f"{digest}{suffix}"


def to_json(file: FsPath, record: FileRecord) -> dict[str, Any] | None:
    """The record as stored; None when it holds nothing (then no record is kept)."""
    if not record.entries:
        return None
    return {"file": str(file), "origin": record.origin, "entries": [o.to_json() for o in record.entries.values()]}


def from_json(file: FsPath, data: dict[str, Any] | None) -> FileRecord:
    if not isinstance(data, dict):
        return FileRecord(file=str(file))
    record = FileRecord(file=data.get("file", str(file)), origin=data.get("origin"))
    try:
        for raw in data.get("entries", []):
            record.put(Owned.from_json(raw))
    except (KeyError, TypeError, ValueError, AttributeError):
        return FileRecord(file=str(file))  # a damaged record: aistack then treats nothing as its own
    return record


def read_json(path: FsPath) -> Any:
    """One of aistack's own JSON records; None when missing or damaged (a damaged record owns nothing)."""
    try:
        raw = read_bytes(path)
        return json.loads(raw) if raw is not None else None
    except (AistackError, ValueError):
        return None


def write_json(env: Env, path: FsPath, data: Any) -> None:
    """Write one of aistack's own records (0600 in a 0700 directory), or delete it when data is None."""
    if data is None:
        path.unlink(missing_ok=True)
        return
    private_dir(FsPath(env.data_dir()), *path.parent.relative_to(env.data_dir()).parts)
    atomic_write(path, json.dumps(data, indent=1, ensure_ascii=False) + "\n", mode=PRIVATE_FILE)


def load(env: Env, file: FsPath) -> FileRecord:
    return from_json(file, read_json(record_path(env, file)))


def save(env: Env, file: FsPath, record: FileRecord) -> None:
    write_json(env, record_path(env, file), to_json(file, record))
