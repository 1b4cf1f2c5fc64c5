"""A config file's bytes as the documents see them: the UTF-8 BOM set aside, the text decoded, and back."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from aistack.engine.document import ParseError


@dataclass(frozen=True)
class FileText:
    bom: bool
    newline: str  # "\r\n" when the file's first line break is CRLF, else "\n"
    text: str  # without the BOM; line endings as they are in the file

    def encode(self, text: str | None = None) -> bytes:
        """The bytes to write for `text` (this file's own text by default), with the BOM put back."""
        return join(self.bom, self.text if text is None else text)


def newline_of(text: str) -> str:
    i = text.find("\n")
    return "\r\n" if i > 0 and text[i - 1] == "\r" else "\n"


def split(data: bytes) -> FileText:
    """Decode a file's bytes; text that is not UTF-8 is a ParseError at the first bad byte."""
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8):] if bom else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        offset = err.start + (len(codecs.BOM_UTF8) if bom else 0)
        line = data.count(b"\n", 0, offset) + 1
        column = offset - data.rfind(b"\n", 0, offset)
        raise ParseError("not valid UTF-8", line, column) from None
    return FileText(bom, newline_of(text), text)


def join(bom: bool, text: str) -> bytes:
    return (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8")
