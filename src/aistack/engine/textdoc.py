"""A file aistack owns whole (OpenCode's plugin script): the document's one value, at ("text",), is the file's text.

It satisfies the Document contract like the structured formats, so the engine's ownership rules apply unchanged:
aistack creates the file, recognises it by its hash, reports a file of that name that is not its own as a
conflict, and deletes the file on remove when it created it.
"""

from __future__ import annotations

from typing import Any

from aistack.engine.document import MISSING, Path, PathError

KEY = "text"


class TextDocument:
    def __init__(self, text: str):
        self.text = text

    def get(self, path: Path) -> Any:
        if path == ():
            return {KEY: self.text} if self.text else {}
        return self.text if path == (KEY,) and self.text else MISSING

    def has(self, path: Path) -> bool:
        return self.get(path) is not MISSING

    def set(self, path: Path, value: Any) -> None:
        if path != (KEY,) or not isinstance(value, str):
            raise PathError(f"a whole-text file holds one text at `{KEY}`", path)
        self.text = value

    def delete(self, path: Path) -> None:
        if path == (KEY,):
            self.text = ""

    def dump(self) -> str:
        return self.text
