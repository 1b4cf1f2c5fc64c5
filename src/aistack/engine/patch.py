"""The exact text an edit replaced, kept so that it can be put back byte for byte.

`diff(before, after)` gives the hunks an edit made: for each, the text it took out (`old`), the text it put in
(`new`), where (`at`, in the edited text) and a line of context on either side. `revert(text, hunks)` finds
each hunk's new text between its context in a later text (the one nearest to where it was, so lines added or
removed elsewhere do not matter) and puts the old text back; None when one cannot be found exactly.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

_CONTEXT = 160  # characters of context at most, on each side: a line, or less of a long one
_SPLIT_LIMIT = 2000  # lines: a changed region longer than this stays one hunk
_END = "\0"  # after the context that reaches the end of the text (no text holds it: aistack's files are text)


@dataclass(frozen=True)
class Hunk:
    at: int  # offset of `new` in the edited text
    old: str
    new: str
    before: str  # the edited text right before `new`
    after: str  # the original text right after `old`

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Hunk:
        return cls(int(data["at"]), str(data["old"]), str(data["new"]), str(data["before"]), str(data["after"]))


def _common_prefix(a: str, b: str) -> int:
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:  # the longest equal prefix, by halves: each comparison runs in C
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str, limit: int) -> int:
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid:len(a) - lo] == b[len(b) - mid:len(b) - lo]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def diff(before: str, after: str) -> list[Hunk]:
    if before == after:
        return []
    head = _common_prefix(before, after)
    tail = _common_suffix(before, after, min(len(before), len(after)) - head)
    # Whole lines, so that the changed lines can be told apart from the unchanged ones between them.
    start = before.rfind("\n", 0, head) + 1
    newline = before.find("\n", len(before) - tail)  # the shared tail from its first line start on
    tail = len(before) - newline - 1 if newline >= 0 else 0
    a_end, b_end = len(before) - tail, len(after) - tail
    old_lines = before[start:a_end].splitlines(keepends=True)
    new_lines = after[start:b_end].splitlines(keepends=True)
    spans = [(0, len(old_lines), 0, len(new_lines))]
    if len(old_lines) + len(new_lines) <= _SPLIT_LIMIT:
        import difflib

        matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
        spans = [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]
    a_at = _offsets(old_lines, start)
    b_at = _offsets(new_lines, start)
    hunks = []
    for i1, i2, j1, j2 in spans:
        a0, a1, b0, b1 = a_at[i1], a_at[i2], b_at[j1], b_at[j2]
        # Trim what the two sides still share at the ends of the hunk (a change inside one line).
        lead = _common_prefix(before[a0:a1], after[b0:b1])
        trail = _common_suffix(before[a0 + lead:a1], after[b0 + lead:b1], min(a1 - a0, b1 - b0) - lead)
        a0, b0, a1, b1 = a0 + lead, b0 + lead, a1 - trail, b1 - trail
        hunks.append(Hunk(b0, before[a0:a1], after[b0:b1], _context_before(after, b0), _context_after(before, a1)))
    return hunks


def _offsets(lines: list[str], start: int) -> list[int]:
    out = [start]
    for line in lines:
        out.append(out[-1] + len(line))
    return out


def _context_before(text: str, pos: int) -> str:
    """The line before pos (and the rest of pos's line), back to one that is not blank."""
    start = pos
    while start > 0 and pos - start < _CONTEXT:
        start = text.rfind("\n", 0, start - 1) + 1 if start > 1 else 0
        if text[start:pos].strip():
            break
    return text[max(start, pos - _CONTEXT):pos]


def _context_after(text: str, pos: int) -> str:
    """The rest of pos's line (or the line after), on to one that is not blank; `\0` marks the end of the
    text."""
    end = pos
    while end < len(text) and end - pos < _CONTEXT:
        n = text.find("\n", end)
        end = len(text) if n < 0 else n + 1
        if text[pos:end].strip():
            break
    return text[pos:min(end, pos + _CONTEXT)] + (_END if end >= len(text) and end - pos <= _CONTEXT else "")


def revert(text: str, hunks: list[Hunk]) -> str | None:
    """The text with every hunk's new text put back to its old one (last hunk first); None when a hunk's new
    text is not found between its context."""
    for hunk in reversed(hunks):
        needle = hunk.before + hunk.new + hunk.after
        text += _END
        best, pos = None, text.find(needle)
        while pos >= 0:
            at = pos + len(hunk.before)
            if best is not None and at - hunk.at > abs(best - hunk.at):
                break  # farther than the best one already, and the next ones farther still
            if best is None or abs(at - hunk.at) < abs(best - hunk.at):
                best = at
            pos = text.find(needle, pos + 1)
        text = text[:-1]
        if best is None:
            return None
        text = text[:best] + hunk.old + text[best + len(hunk.new):]
    return text
