"""What aistack wrote into each user file, so its own entries are recognised without adding any key to them.

One small JSON record per config file in aistack's data dir: for every path aistack set, a hash of the value it
wrote, the value that was there before (when aistack replaced or adopted one), the top-most parent it had to
create, and who asked for it (assistant and org; assistants that share one file share its entries). An entry
whose current value still hashes to the record is aistack's; anything else at that path belongs to the user.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from aistack.engine.document import MISSING, Item, Path
from aistack.engine.files import PRIVATE_FILE, atomic_write, read_bytes, resolve_target
from aistack.errors import AistackError
from aistack.paths import Env, private_dir


def value_hash(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]


def encode_path(path: Path) -> list:
    return [{"key": k.key, "value": k.value} if isinstance(k, Item) else k for k in path]


def decode_path(raw: list) -> Path:
    return tuple(Item(k["key"], k["value"]) if isinstance(k, dict) else k for k in raw)


@dataclass
class Owned:
    path: Path
    hash: str
    owner: str
    created: Path | None = None  # top-most parent aistack created for this entry
    previous: Any = MISSING  # the user's value aistack replaced (with --force) or adopted
    also: list[str] = field(default_factory=list)  # other owners that asked for the same entry in a shared file

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

    def to_json(self) -> dict:
        data = {"path": encode_path(self.path), "hash": self.hash, "owner": self.owner}
        if self.also:
            data["also"] = list(self.also)
        if self.created is not None:
            data["created"] = encode_path(self.created)
        if self.previous is not MISSING:
            data["previous"] = self.previous
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Owned":
        return cls(path=decode_path(data["path"]), hash=data["hash"], owner=data.get("owner", ""),
                   created=decode_path(data["created"]) if "created" in data else None,
                   previous=data.get("previous", MISSING), also=list(data.get("also", [])))


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


def to_json(file: FsPath, record: FileRecord) -> dict | None:
    """The record as stored; None when it holds nothing (then no record is kept)."""
    if not record.entries:
        return None
    return {"file": str(file), "origin": record.origin, "entries": [o.to_json() for o in record.entries.values()]}


def from_json(file: FsPath, data: dict | None) -> FileRecord:
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
