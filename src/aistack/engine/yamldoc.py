"""YAML documents (Goose, Continue) edited with ruamel.yaml's round trip, transplanted onto the original text.

ruamel keeps comments, but its dump is not always the file's own bytes (it re-spaces flow mappings, wraps
nothing here since the width is unbounded, but may move a comment or normalise indentation). So an edit is
made in two renderings by ruamel, before and after the change, and only the lines that differ between the two
are spliced into the original text, at the place the unchanged lines around them line up with. Every line
the edit does not touch stays as it was, byte for byte, whatever ruamel would have made of it. The result is
re-read and checked to hold the edit and nothing else; if that fails (ruamel changed the lines right next to
the edit, too), ruamel's own rendering is used for the whole file.

Indentation (mapping step, sequence step, dash offset) is detected from the file so new entries look like
their neighbours. New mappings are block style; an edit inside a flow mapping (`envs: {}`) stays flow style.

Known limits, where set-then-delete cannot give back the original bytes:
- a file that was only `{}` (a flow-style empty top level) comes back empty, without the `{}`;
- a file holding only comments, `---` or directives comes back with those lines, and no others.
ruamel hangs the comments and blank lines that follow an entry on that entry; replacing or deleting the
entry keeps those lines in place (a user's comment lines are left behind, never lost). A comment at the end of
a line inside a replaced value goes with the value.
"""

from __future__ import annotations

import copy
import datetime
import difflib
import io
import math
import re
from collections import Counter
from typing import Any

from aistack.engine.document import MISSING, Item, ParseError, Path, PathError

_KEY_LINE = re.compile(r"^(\s*)(- +)?([^\s#-][^#]*?|-[^\s#][^#]*?):\s*(#.*)?$")


def _yaml(indent: tuple[int, int, int]):
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1 << 30  # never re-wrap a long line
    yaml.allow_unicode = True
    mapping, sequence, offset = indent
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def detect_indent(text: str) -> tuple[int, int, int]:
    """(mapping step, sequence step, dash offset) as ruamel's `indent()` takes them, the most common ones in
    the file; defaults 2, 2, 0."""
    mappings: Counter[int] = Counter()
    sequences: Counter[tuple[int, int]] = Counter()
    prev_col = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        col = len(line) - len(line.lstrip(" "))
        if prev_col is not None and col > prev_col:
            rest = stripped[1:]
            if stripped.startswith("- ") and not rest.lstrip().startswith("- "):
                content = col + 1 + len(rest) - len(rest.lstrip(" "))
                sequences[(content - prev_col, col - prev_col)] += 1
            elif not stripped.startswith("-"):
                mappings[col - prev_col] += 1
        m = _KEY_LINE.match(line)
        prev_col = (len(m.group(1)) + len(m.group(2) or "")) if m else None
    mapping = mappings.most_common(1)[0][0] if mappings else 2
    sequence, offset = sequences.most_common(1)[0][0] if sequences else (2, 0)
    return mapping, max(sequence, offset + 2), offset


class YamlDocument:
    def __init__(self, text: str):
        self._text = text
        self._indent = detect_indent(text)
        self._data = self._load(text)

    def _load(self, text: str) -> Any:
        from ruamel.yaml.error import MarkedYAMLError, YAMLError

        try:
            data = _yaml(self._indent).load(text.replace("\r\n", "\n"))
        except MarkedYAMLError as err:
            mark = err.problem_mark or err.context_mark
            message = (err.problem or err.context or "invalid YAML").strip()
            if err.context and message.startswith("but "):
                message = f"{err.context.strip()}, {message}"
            raise ParseError(message, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1) from None
        except YAMLError as err:
            raise ParseError(str(err).strip().splitlines()[0], 1, 1) from None
        if data is not None and not isinstance(data, dict):
            raise ParseError("the top level must be a mapping", *_first_content(text))
        return data

    # -- the Document protocol -------------------------------------------------------------------------

    def dump(self) -> str:
        return self._text

    def get(self, path: Path) -> Any:
        node = _walk(self._data if self._data is not None else {}, path)
        return node if node is MISSING else plain(node)

    def has(self, path: Path) -> bool:
        return self.get(path) is not MISSING

    def set(self, path: Path, value: Any) -> None:
        if not path:
            raise PathError("the path is empty", path)
        _check(value)
        from ruamel.yaml.comments import CommentedMap

        data = self._data if self._data is not None else CommentedMap()
        base = self._render(self._data)
        node = data
        for depth, key in enumerate(path):
            want = list if isinstance(key, Item) else dict
            if not isinstance(node, want):
                kind = "list" if want is list else "mapping"
                raise PathError(f"{_show(path[:depth])} is not a {kind}", path[:depth])
            child = _walk(node, (key,)) if depth < len(path) - 1 else MISSING
            if child is MISSING:
                inner = _nest(path[depth + 1:], value)
                _add(node, key, _with_item_key(key, inner) if isinstance(key, Item) else inner)
                break
            node = child
        self._commit(base, data)

    def delete(self, path: Path) -> None:
        if not path or self._data is None:
            return
        parent = _walk(self._data, path[:-1])
        if parent is MISSING or _walk(parent, path[-1:]) is MISSING:
            return
        base = self._render(self._data)
        key = path[-1]
        if isinstance(key, Item):
            parent.remove(_walk(parent, (key,)))
        else:
            del parent[key]
        if not self._data:
            # Nothing left: keep only the comments, blank lines and markers the file had.
            self._text = "".join(line for line in self._text.splitlines(keepends=True)
                                 if not line.strip() or line.lstrip().startswith(("#", "---", "...", "%")))
            self._data = self._load(self._text)
            return
        self._commit(base, self._data)

    # -- rendering and transplanting -------------------------------------------------------------------

    def _render(self, data: Any) -> str:
        if data is None:
            return ""
        out = io.StringIO()
        _yaml(self._indent).dump(data, out)
        return out.getvalue()

    def _commit(self, base: str, data: Any) -> None:
        """Splice what changed between ruamel's two renderings into the original text; verify the result."""
        from ruamel.yaml.comments import CommentedMap

        if isinstance(data, CommentedMap) and data.fa.flow_style():
            data.fa.set_block_style()  # a top level written `{}` grows as block style
        edited = self._render(data)
        want = plain(data)
        candidate = transplant(self._text, base, edited)
        for text in (candidate, _with_newlines(edited, self._text)):
            if text is None:
                continue
            try:
                loaded = self._load(text)
            except ParseError:
                continue
            if plain(loaded) == want:
                self._text, self._data = text, loaded
                return
        raise RuntimeError("internal error: the YAML edit could not be rendered faithfully")


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
        kept = [line for line in removed[lead:] if _comment_or_blank(line[0])]
        edits.append((start, stop, removed[:lead] + new + kept))
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


def _with_newlines(edited: str, original: str) -> str:
    """ruamel's rendering with the original's line endings and final-newline habit."""
    if "\r\n" in original:
        edited = edited.replace("\n", "\r\n")
    if original and not original.endswith("\n"):
        edited = edited.rstrip("\r\n")
    return edited


def _first_content(text: str) -> tuple[int, int]:
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", "---", "%")):
            return n, len(line) - len(line.lstrip()) + 1
    return 1, 1


def _walk(node: Any, path: Path) -> Any:
    for key in path:
        if isinstance(key, Item):
            if not isinstance(node, list):
                return MISSING
            node = next((e for e in node if isinstance(e, dict) and e.get(key.key) == key.value), MISSING)
        elif isinstance(node, dict) and key in node:
            node = node[key]
        else:
            return MISSING
        if node is MISSING:
            return MISSING
    return node


def _add(node: Any, key: Any, value: Any) -> None:
    """Put value under key, replacing the whole value."""
    if isinstance(key, Item):
        current = _walk(node, (key,))
        if current is MISSING:
            node.append(value)
        else:
            node[node.index(current)] = value
        return
    node[key] = value


def _nest(rest: Path, value: Any) -> Any:
    if not rest:
        return copy.deepcopy(value)
    inner = _nest(rest[1:], value)
    key = rest[0]
    return [_with_item_key(key, inner)] if isinstance(key, Item) else {key: inner}


def _with_item_key(item: Item, value: Any) -> Any:
    if not isinstance(value, dict):
        raise PathError(f"an element selected by {item.key}={item.value!r} must be a mapping", (item,))
    if item.key in value:
        if value[item.key] != item.value:
            raise PathError(f"the element's {item.key!r} is {value[item.key]!r}, not {item.value!r}", (item,))
        return copy.deepcopy(value)
    return {item.key: item.value, **copy.deepcopy(value)}


def _show(path: Path) -> str:
    return ".".join(str(k) for k in path) or "the top level"


def _check(value: Any) -> None:
    if isinstance(value, float) and math.isnan(value):
        raise ValueError("NaN cannot be compared after it is written; refusing to write it")
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                raise ValueError(f"keys must be strings, not {k!r}")
            _check(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _check(v)
    elif not isinstance(value, (str, int, float, bool, type(None), datetime.date, datetime.time)):
        raise ValueError(f"{type(value).__name__} cannot be written to YAML")


def plain(node: Any) -> Any:
    """ruamel's round-trip objects as plain Python values."""
    if isinstance(node, dict):
        return {str(k) if not isinstance(k, (int, float, bool)) else k: plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, str):
        return str(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node
