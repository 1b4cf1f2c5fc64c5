"""Carry an edit made on one rendering of a file over to the file's own text, line by line.

A library that round-trips a format (ruamel.yaml) renders the file before and after an edit; the lines that
differ between the two renderings are the edit. They are spliced into the original text where the unchanged
lines around them line up, so every line the edit does not touch keeps its own bytes.
"""

from __future__ import annotations

import difflib


def transplant(original: str, base: str, edited: str) -> str | None:
    """Apply the line changes base -> edited to original, where base's unchanged lines line up with it.

    Comment and blank lines in a removed range stay: ruamel hangs the comments and blank lines that follow an
    entry on that entry, so replacing or deleting it would take them along. The entries aistack adds carry
    none, so keeping them is also what gives back the original bytes on delete."""
    first = original.find("\n")
    nl = "\r\n" if first > 0 and original[first - 1] == "\r" else "\n"
    orig = [(line.rstrip("\r\n"), line[len(line.rstrip("\r\n")):]) for line in original.splitlines(keepends=True)]
    b, e = base.splitlines(), edited.splitlines()
    to_orig: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, b, [c for c, _ in orig], autojunk=False)
    for tag, i1, i2, j1, _ in matcher.get_opcodes():
        if tag == "equal":
            to_orig.update({i1 + k: j1 + k for k in range(i2 - i1)})
    edits = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, b, e, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        new = [(c, nl) for c in e[j1:j2]]
        mapped = [to_orig.get(i) for i in range(i1, i2)]
        if mapped and None not in mapped and mapped == list(range(mapped[0], mapped[0] + len(mapped))):
            start, stop = mapped[0], mapped[-1] + 1
        else:
            # The lines between the unchanged neighbours (ruamel may render the changed lines unlike the file).
            start = to_orig[i1 - 1] + 1 if i1 - 1 in to_orig else 0 if i1 == 0 else None
            stop = to_orig[i2] if i2 in to_orig else len(orig) if i2 == len(b) else None
            if i1 == i2:  # an insertion needs one neighbour; at the end of an empty rendering, after the comments
                at = len(orig) if not b else start if i1 - 1 in to_orig else stop if stop is not None else start
                start = stop = at
            if start is None or stop is None or stop < start:
                return None
        if start == stop:
            start = stop = _above_outer_comments(orig, start, e[j1:j2])
        removed = orig[start:stop]
        lead = 0
        while lead < len(removed) and _comment_or_blank(removed[lead][0]):
            lead += 1
        # ...unless ruamel wrote them again itself.
        kept = [line for line in removed[lead:] if _comment_or_blank(line[0]) and line[0] not in e[j1:j2]]
        leading = [line for line in removed[:lead] if line[0] not in e[j1:j2]]
        edits.append((start, stop, leading + new + kept))
    for start, stop, new in sorted(edits, key=lambda x: x[0], reverse=True):
        orig[start:stop] = new
    ends_open = bool(original) and not original.endswith("\n")
    lines = [(c, t or nl) for c, t in orig]
    if lines and ends_open:
        lines[-1] = (lines[-1][0], "")
    return "".join(c + t for c, t in lines)


def _comment_or_blank(line: str) -> bool:
    return not line.strip() or line.lstrip().startswith("#")


def _above_outer_comments(orig: list[tuple[str, str]], at: int, new: list[str]) -> int:
    """An insertion goes above the comment lines right before it that are indented less than it: those
    describe the next, outer entry (ruamel hangs them on the entry before)."""
    if not new:
        return at
    depth = len(new[0]) - len(new[0].lstrip(" "))
    i = at
    while i > 0:
        line = orig[i - 1][0]
        if not line.lstrip().startswith("#") or len(line) - len(line.lstrip(" ")) >= depth:
            break
        i -= 1
    return i


def with_newlines(edited: str, original: str) -> str:
    """ruamel's rendering with the original's line endings and final-newline habit."""
    if "\r\n" in original:
        edited = edited.replace("\n", "\r\n")
    if original and not original.endswith("\n"):
        edited = edited.rstrip("\r\n")
    return edited


