"""The import rules of docs/architecture.md: each package imports only the layers below it."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "aistack"

BASE = {"errors", "paths", "headers", "wire", "__version__"}
DOMAIN = {"auth", "configure", "repo", "usage", "relay", "policy", "assistants", "profile", "engine"}
ALLOWED: dict[str, set[str]] = {
    "__init__": set(),
    "errors": set(),
    "paths": set(),
    "headers": set(),
    "wire": {"errors"},
    "engine": BASE,
    "profile": BASE | {"engine"},
    "assistants": BASE | {"profile", "engine.document"},
    "auth": BASE | {"profile", "engine"},
    "configure": BASE | {"profile", "engine", "assistants", "relay"},
    "repo": BASE | {"profile", "engine"},
    "usage": BASE | {"profile", "engine", "auth"},
    "relay": BASE | {"profile", "engine", "auth", "assistants"},
    "policy": BASE | {"profile", "engine", "assistants"},
    "doctor": BASE | DOMAIN,
    "org": BASE | DOMAIN | {"doctor"},
    "commands": BASE | DOMAIN | {"doctor", "org"},
    "cli": BASE | {"commands"},
    "__main__": BASE | {"cli", "auth.fast"},
}


def _imports(path: Path) -> set[str]:
    """Every aistack module `path` imports, as dotted names below `aistack` (`engine.files`, `errors`, ...)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "aistack":
                found |= {alias.name for alias in node.names}
            elif node.module.startswith("aistack."):
                found.add(node.module.removeprefix("aistack."))
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix("aistack.") for a in node.names if a.name.startswith("aistack.")}
    return found


def _package(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _allowed(importer: str, imported: str) -> bool:
    if imported.split(".")[0] == importer:
        return True
    rules = ALLOWED[importer]
    return any(imported == rule or imported.startswith(rule + ".") for rule in rules)


def test_every_package_has_a_rule():
    packages = {_package(p) for p in SRC.rglob("*.py")}
    assert packages <= set(ALLOWED), f"add a rule for: {sorted(packages - set(ALLOWED))}"


def test_packages_import_only_the_layers_below():
    broken = []
    for path in sorted(SRC.rglob("*.py")):
        importer = _package(path)
        for imported in sorted(_imports(path)):
            if not _allowed(importer, imported):
                broken.append(f"{path.relative_to(SRC)} imports aistack.{imported}")
    assert not broken, "\n".join(broken)


def test_the_rules_catch_an_upward_import(tmp_path):
    """The checker itself: an engine module importing an adapter is reported."""
    bad = tmp_path / "bad.py"
    bad.write_text("from aistack.assistants import registry\nimport aistack.cli\n", encoding="utf-8")
    assert _imports(bad) == {"assistants", "cli"}
    assert not _allowed("engine", "assistants") and not _allowed("engine", "cli")
    assert _allowed("assistants", "engine.document") and not _allowed("assistants", "engine.apply")
