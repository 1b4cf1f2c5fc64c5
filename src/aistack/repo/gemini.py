"""Gemini CLI bridge: `context.fileName` in .gemini/settings.json lists AGENTS.md; every other byte is kept."""

from __future__ import annotations

import json
from pathlib import Path

from aistack.repo.plan import Change, read_text

REL = ".gemini/settings.json"
KEY = ("context", "fileName")
DEFAULT = ["AGENTS.md", "GEMINI.md"]
NEW_FILE = '{\n  "context": {\n    "fileName": ["AGENTS.md", "GEMINI.md"]\n  }\n}\n'


def wanted(current, legacy) -> list[str] | None:
    """The fileName list with AGENTS.md first, or None when current already includes it."""
    if isinstance(current, str):
        return None if current == "AGENTS.md" else ["AGENTS.md", current]
    if isinstance(current, list):
        return None if "AGENTS.md" in current else ["AGENTS.md", *current]
    # Missing: keep what the older top-level `contextFileName` named, so GEMINI.md-style files still load.
    if isinstance(legacy, str):
        return ["AGENTS.md", legacy] if legacy != "AGENTS.md" else ["AGENTS.md"]
    if isinstance(legacy, list) and all(isinstance(x, str) for x in legacy):
        return ["AGENTS.md", *[x for x in legacy if x != "AGENTS.md"]]
    return list(DEFAULT)


def plan_gemini(root: Path, notes: list[str]) -> Change:
    from aistack.engine.document import MISSING, ParseError, parse

    old = read_text(root, REL)
    if old is None:
        return Change(REL, None, NEW_FILE, "create", "bridge for Gemini CLI",
                      [(".".join(KEY), "", json.dumps(DEFAULT))])
    bom = "\ufeff" if old.startswith("\ufeff") else ""
    try:
        doc = parse("jsonc", old[len(bom):])
    except ParseError as e:
        notes.append(f"{REL}: not valid JSON ({e}); the Gemini bridge was not added. Fix the file and run again.")
        return Change(REL, old, None, "skip", f"{REL} is not valid JSON")
    context = doc.get(("context",))
    if context is not MISSING and not isinstance(context, dict):
        notes.append(f"{REL}: `context` is not an object; the Gemini bridge was not added.")
        return Change(REL, old, None, "skip", f"{REL} `context` is not an object")
    current = doc.get(KEY)
    if current is not MISSING and not isinstance(current, (str, list)):
        notes.append(f"{REL}: `context.fileName` is neither a string nor a list; left as it is.")
        return Change(REL, old, None, "skip", f"{REL} `context.fileName` has an unexpected type")
    value = wanted(None if current is MISSING else current, doc.get(("contextFileName",)))
    if value is None:
        return Change(REL, old, None, "unchanged", "context.fileName includes AGENTS.md")
    doc.set(KEY, value)
    before = "" if current is MISSING else json.dumps(current)
    return Change(REL, old, bom + doc.dump(), "update", "context.fileName now includes AGENTS.md",
                  [(".".join(KEY), before + "\n" if before else "", json.dumps(value) + "\n")])
