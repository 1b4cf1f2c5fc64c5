"""A file's bytes <-> (BOM, line ending, text) so the editors see plain text and every byte comes back."""

from __future__ import annotations

from dataclasses import dataclass

BOM = "\ufeff"


@dataclass(frozen=True)
class Framing:
    bom: bool = False
    crlf: bool = False


def split(data: bytes) -> tuple[Framing, str]:
    """Decode UTF-8; strip a BOM; turn CRLF into LF only when every line ending is CRLF (mixed files stay as-is)."""
    text = data.decode("utf-8")
    bom = text.startswith(BOM)
    if bom:
        text = text[1:]
    crlf = "\r\n" in text and text.count("\r\n") == text.count("\n")
    if crlf:
        text = text.replace("\r\n", "\n")
    return Framing(bom, crlf), text


def join(framing: Framing, text: str) -> bytes:
    if framing.crlf:
        text = text.replace("\n", "\r\n")
    if framing.bom:
        text = BOM + text
    return text.encode("utf-8")
