"""The document model every format implements: get, set and delete a value at a path, surgically.

A path is a tuple of keys. `Item(key, value)` selects the mapping in a list whose `key` equals `value`
(Continue keeps its MCP servers as a list of mappings with a `name`).

Guarantees every format keeps (the engine relies on them):
- parse(t).dump() == t, byte for byte, for every document that parses;
- set(p, v) then delete(p) on a path that was missing gives back the original text; when set created
  missing parents, deleting the top-most created parent gives back the original text;
- set replaces the whole value (never merges); everything outside the edited value stays byte-identical:
  comments, key order, indentation, trailing commas, line endings.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, Union

if TYPE_CHECKING:
    from pathlib import Path as FsPath

    from aistack.engine.text import FileText


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Item:
    key: str
    value: str


Key = Union[str, Item]
Path = tuple[Key, ...]


class ParseError(Exception):
    def __init__(self, message: str, line: int, column: int):
        super().__init__(f"{message} at line {line}, column {column}")
        self.message = message
        self.line = line
        self.column = column


class PathError(ValueError):
    """A path set cannot follow: a parent on it is not a mapping (or not a list, for an Item)."""

    def __init__(self, message: str, path: Path):
        super().__init__(message)
        self.message = message
        self.path = path


class Document(Protocol):
    def get(self, path: Path) -> Any:
        """The plain Python value at path (dict, list, str, int, float, bool, None), or MISSING."""

    def has(self, path: Path) -> bool:
        """Whether a value exists at path, without building it (a 10 MB file's top-level map is costly to copy)."""

    def set(self, path: Path, value: Any) -> None:
        """Replace the value at path whole, creating missing parent mappings in the file's own style."""

    def delete(self, path: Path) -> None:
        """Remove the key at path and its value (no-op when missing); parents stay."""

    def dump(self) -> str:
        """The document's text."""


def show_path(path: Path) -> str:
    """A path as people read it: `mcpServers.docs`, `servers[name=docs]`, a dotted key quoted."""
    parts = []
    for k in path:
        parts.append(f"[{k.key}={k.value}]" if isinstance(k, Item) else (k if "." not in k else f'"{k}"'))
    return ".".join(parts) or "(top level)"


def walk(data: Any, path: Path) -> Any:
    """The plain value at path in plain data (dicts and lists), or MISSING."""
    for key in path:
        if isinstance(key, Item):
            if not isinstance(data, list):
                return MISSING
            data = next((e for e in data if isinstance(e, dict) and e.get(key.key) == key.value), MISSING)
        elif isinstance(data, dict) and key in data:
            data = data[key]
        else:
            return MISSING
        if data is MISSING:
            return MISSING
    return data


def nest(rest: Path, value: Any) -> Any:
    """The value to insert for a missing key when `rest` of the path is still to be created under it."""
    if not rest:
        return copy.deepcopy(value)
    inner = nest(rest[1:], value)
    key = rest[0]
    return [with_item_key(key, inner)] if isinstance(key, Item) else {key: inner}


def with_item_key(item: Item, value: Any) -> Any:
    """A list element selected by `item` must carry the key it is found by; it goes first when missing."""
    if not isinstance(value, dict):
        raise PathError(f"an element selected by {item.key}={item.value!r} must be a mapping", (item,))
    if item.key in value:
        if value[item.key] != item.value:
            raise PathError(f"the element's {item.key!r} is {value[item.key]!r}, not {item.value!r}", (item,))
        return copy.deepcopy(value)
    return {item.key: item.value, **copy.deepcopy(value)}


def same_value(a: Any, b: Any) -> bool:
    """Equal plain values, NaN equal to NaN (TOML and YAML can hold it)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    return type(a) is type(b) and a == b


def parse(fmt: str, text: str) -> Document:
    """Parse text (no BOM) of a format; raises ParseError with a 1-based line and column."""
    if fmt in ("json", "jsonc"):
        from aistack.engine.jsoncdoc import JsoncDocument

        return JsoncDocument(text, strict=fmt == "json")
    if fmt == "toml":
        from aistack.engine.tomldoc import TomlDocument

        return TomlDocument(text)
    if fmt == "yaml":
        from aistack.engine.yamldoc import YamlDocument

        return YamlDocument(text)
    if fmt == "text":
        from aistack.engine.textdoc import TextDocument

        return TextDocument(text)
    raise ValueError(f"unknown format {fmt!r}")


def from_bytes(data: bytes | None, fmt: str) -> tuple[FileText, Document]:
    """A config file's bytes (None: no file) as (its framing, its document); ParseError when they are not valid
    text of the format."""
    from aistack.engine import text

    framing = text.split(data) if data is not None else text.FileText(False, "\n", "")
    return framing, parse(fmt, framing.text)


def read(path: FsPath, fmt: str) -> tuple[FileText, Document]:
    """Read a config file into a document: (framing, document), an empty one when the file does not exist.
    Raises AistackError when it cannot be read, ParseError when it does not parse."""
    from aistack.engine.files import read_bytes

    return from_bytes(read_bytes(path), fmt)
