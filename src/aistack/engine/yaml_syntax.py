"""Reading YAML: ruamel.yaml's composed nodes and plain values, parse errors with a line and column, and the
file's indent steps."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from aistack.engine.document import ParseError
from aistack.engine.yaml_tree import build

_KEY_LINE = re.compile(r"^(\s*)(- +)?([^\s#-][^#]*?|-[^\s#][^#]*?):\s*(#.*)?$")
_YAML = None


def _yaml() -> Any:
    global _YAML
    if _YAML is None:
        from ruamel.yaml import YAML

        _YAML = YAML(typ="rt")
    return _YAML


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


def load(text: str, tree: bool = False) -> tuple[Any, Any]:
    """The document's `yaml_tree` (with tree; else None) and its plain values; invalid YAML is a ParseError with
    a 1-based line and column."""
    if not text.strip():
        return None, {}  # blank: nothing for ruamel to read (and its import spared)
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = _yaml()
    try:
        node = yaml.compose(text)
        built = build(node, text) if tree and node is not None else None  # before ruamel folds merge keys in
        data = yaml.constructor.construct_document(node) if node is not None else None
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
    if data is None and node is not None and node.start_mark.index < node.end_mark.index:
        raise NullTop  # a null written out (`~`, `null`) at the top level
    return (built, plain(data)) if data is not None else (None, {})  # nothing, or only `---`: an empty mapping


class NullTop(Exception):
    pass


def _first_content(text: str) -> tuple[int, int]:
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", "---", "%")):
            return n, len(line) - len(line.lstrip()) + 1
    return 1, 1


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
