"""Marker blocks: `<!-- aistack:begin NAME -->` ... `<!-- aistack:end NAME -->`, each on a line of its own.

Text outside blocks belongs to the team and is kept byte for byte; only a block's inside is ever replaced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aistack.errors import AistackError

MARKER = re.compile(r"^\ufeff?[ \t]*<!--[ \t]*aistack:(begin|end)[ \t]+([A-Za-z0-9][A-Za-z0-9_.-]*)[ \t]*-->[ \t]*\r?$")
LOOSE = re.compile(r"aistack:(begin|end)\b")
LINES = re.compile(r"[^\n]*\n|[^\n]+\Z")


class MarkerError(AistackError):
    pass


@dataclass(frozen=True)
class Block:
    name: str
    start: int  # offset of the first byte after the begin line's newline
    end: int    # offset of the first byte of the end marker's line
    line: int   # 1-based line of the begin marker


def newline_of(text: str) -> str:
    """The file's line ending: CRLF when most of its lines use it."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf >= text.count("\n") - crlf else "\n"


def parse(text: str, where: str) -> list[Block]:
    """Every block in text, in order; MarkerError for unclosed, unmatched, nested, duplicated or malformed markers."""
    blocks: list[Block] = []
    seen: dict[str, int] = {}
    open_name: str | None = None
    open_line = open_start = 0
    offset = 0
    # Only \n ends a line here (str.splitlines would also split on \x0c, \x85, \u2028, ...).
    for number, line in enumerate(LINES.findall(text), 1):
        body = line.rstrip("\r\n")
        m = MARKER.match(body)
        if m is None and LOOSE.search(body) and "<!--" in body:
            raise MarkerError(f"{where} line {number}: malformed aistack marker {body.strip()!r}.",
                              hint="Write markers as `<!-- aistack:begin NAME -->` and `<!-- aistack:end NAME -->`, "
                                   "each on a line of its own; nothing was written.")
        if m:
            kind, name = m.groups()
            if kind == "begin":
                if open_name is not None:
                    raise MarkerError(f"{where} line {number}: block {name!r} begins inside block {open_name!r} "
                                      f"(opened at line {open_line}); blocks cannot nest.",
                                      hint=f"Close {open_name!r} first; nothing was written.")
                if name in seen:
                    raise MarkerError(f"{where} line {number}: block {name!r} appears twice "
                                      f"(first at line {seen[name]}).",
                                      hint="Delete one of the two blocks; nothing was written.")
                open_name, open_line, open_start = name, number, offset + len(line)
                seen[name] = number
            else:
                if open_name is None:
                    raise MarkerError(f"{where} line {number}: `aistack:end {name}` without a matching begin.",
                                      hint="Add the begin marker or delete this line; nothing was written.")
                if name != open_name:
                    raise MarkerError(f"{where} line {number}: `aistack:end {name}` closes block {open_name!r} "
                                      f"(opened at line {open_line}).",
                                      hint="Make the begin and end names match; nothing was written.")
                blocks.append(Block(name, open_start, offset, open_line))
                open_name = None
        offset += len(line)
    if open_name is not None:
        raise MarkerError(f"{where} line {open_line}: block {open_name!r} is never closed.",
                          hint=f"Add `<!-- aistack:end {open_name} -->` after its content; nothing was written.")
    return blocks


def contents(text: str, where: str) -> dict[str, str]:
    return {b.name: text[b.start:b.end] for b in parse(text, where)}


def wrap(name: str, body: str, nl: str = "\n") -> str:
    body = body if body.endswith("\n") or not body else body + "\n"
    return f"<!-- aistack:begin {name} -->\n{body}<!-- aistack:end {name} -->\n".replace("\n", nl)


def with_newlines(body: str, nl: str) -> str:
    body = body.replace("\r\n", "\n")
    if body and not body.endswith("\n"):
        body += "\n"
    return body.replace("\n", nl) if nl != "\n" else body


def replace(text: str, where: str, bodies: dict[str, str]) -> str:
    """text with the inside of each named block replaced by bodies[name] (in the file's own line endings)."""
    nl = newline_of(text)
    out = []
    last = 0
    for block in parse(text, where):
        if block.name not in bodies:
            continue
        out.append(text[last:block.start])
        out.append(with_newlines(bodies[block.name], nl))
        last = block.end
    out.append(text[last:])
    return "".join(out)
