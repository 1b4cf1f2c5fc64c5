"""What aistack wrote into each user file, so its own entries are recognised without adding any key to them.

One small JSON record per config file in aistack's data dir: for every path aistack set, a hash of the value it
wrote, the value that was there before (when aistack replaced or adopted one), the top-most parent it had to
create, and who asked for it (assistant and org). An entry whose current value still hashes to the record is
aistack's; anything else at that path belongs to the user.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from aistack.engine.document import MISSING, Item, Path
from aistack.engine.files import atomic_write, resolve_target
from aistack.paths import Env


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

    def to_json(self) -> dict:
        data = {"path": encode_path(self.path), "hash": self.hash, "owner": self.owner}
        if self.created is not None:
            data["created"] = encode_path(self.created)
        if self.previous is not MISSING:
            data["previous"] = self.previous
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Owned":
        return cls(path=decode_path(data["path"]), hash=data["hash"], owner=data.get("owner", ""),
                   created=decode_path(data["created"]) if "created" in data else None,
                   previous=data.get("previous", MISSING))


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


def _record_path(env: Env, file: FsPath) -> FsPath:
    target = str(resolve_target(FsPath(file)).absolute())
    digest = hashlib.sha256(target.encode()).hexdigest()[:24]
    return FsPath(env.data_dir()) / "owned" / f"{digest}.json"


def load(env: Env, file: FsPath) -> FileRecord:
    path = _record_path(env, file)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return FileRecord(file=str(file))
    except ValueError:
        return FileRecord(file=str(file))  # a damaged record: aistack then treats nothing as its own
    record = FileRecord(file=data.get("file", str(file)), origin=data.get("origin"))
    for raw in data.get("entries", []):
        record.put(Owned.from_json(raw))
    return record


def save(env: Env, file: FsPath, record: FileRecord) -> None:
    path = _record_path(env, file)
    if not record.entries:
        path.unlink(missing_ok=True)
        return
    data = {"file": str(file), "origin": record.origin, "entries": [o.to_json() for o in record.entries.values()]}
    atomic_write(path, json.dumps(data, indent=1, ensure_ascii=False) + "\n", mode=0o600)
