"""Task runners: Makefile targets, justfile recipes, Taskfile tasks, each with its body and prerequisites."""

from __future__ import annotations

import re

from aistack.repo.detect.taskgraph import Graph, Task
from aistack.repo.index import RepoView, dig
from aistack.repo.model import Findings, Source

MAKE_VAR = re.compile(r"^(?:export\s+|override\s+)?(\.?[A-Za-z_][A-Za-z0-9_.-]*)\s*(?:::=|:=|\?=|\+=|!=|=)\s*(.*)$")
MAKE_RULE = re.compile(r"^(?P<targets>[^\s:=#][^:=#]*?)\s*(?<!:):{1,2}(?![=:])(?P<rest>.*)$")
MAKE_DIRECTIVE = re.compile(r"^(?:ifeq|ifneq|ifdef|ifndef|else|endif|include|-include|sinclude|define|endef|"
                            r"undefine|vpath|\$\(error|\$\(warning|\$\(info)\b")
MAKE_REF = re.compile(r"\$[({]([A-Za-z_][A-Za-z0-9_.-]*)[)}]")


def _joined(text: str) -> list[str]:
    """Lines with backslash continuations joined (recipe lines keep their leading tab)."""
    out: list[str] = []
    for line in text.split("\n"):
        if out and out[-1].endswith("\\"):
            out[-1] = out[-1][:-1].rstrip() + " " + line.strip()
        else:
            out.append(line)
    return out


def _expand(line: str, variables: dict[str, str], depth: int = 0) -> str:
    if depth > 4 or "$" not in line:
        return line
    return _expand(MAKE_REF.sub(lambda m: variables.get(m.group(1), m.group(0)), line), variables, depth + 1)


def parse_make(text: str, rel: str) -> tuple[dict[str, Task], str | None]:
    """Targets with recipes and prerequisites, and the default goal."""
    variables = {"MAKE": "make"}
    tasks: dict[str, Task] = {}
    default = None
    current: list[Task] = []
    for line in _joined(text):
        if line.startswith("\t"):
            body = line[1:].strip().lstrip("@-+").strip()
            if current and body and not body.startswith("#"):
                for task in current:
                    task.body.append(_expand(body, variables))
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or MAKE_DIRECTIVE.match(stripped):
            continue
        var = MAKE_VAR.match(stripped)
        rule = MAKE_RULE.match(stripped)
        if var and not rule:
            name, value = var.group(1), var.group(2).split("#", 1)[0].strip()
            if name == ".DEFAULT_GOAL":
                default = value
            variables[name] = value if name not in variables or "+=" not in stripped else variables[name] + " " + value
            current = []
            continue
        if not rule:
            current = []
            continue
        recipe = ""
        rest = rule.group("rest")
        if ";" in rest:
            rest, recipe = rest.split(";", 1)
        prereqs = [p for p in _expand(rest.split("|", 1)[0], variables).split() if p]
        current = []
        for target in _expand(rule.group("targets"), variables).split():
            if target.startswith(".") or "%" in target:
                continue
            if default is None:
                default = target
            task = tasks.get(target) or Task(target, f"make {target}", [], Source(rel, f"target {target}"),
                                             hidden="/" in target or "." in target or "$" in target)
            task.deps += [p for p in prereqs if p not in task.deps]
            if recipe.strip():
                task.body.append(_expand(recipe.strip(), variables))
            tasks[target] = task
            current.append(task)
    return tasks, default


def make(view: RepoView, scope: str, out: Findings) -> None:
    rel = view.first(scope, "GNUmakefile", "makefile", "Makefile")
    text = view.text(rel) if rel else None
    if text is None:
        return
    tasks, default = parse_make(text, rel)
    Graph("make", tasks, ("gmake",)).add_to(out, default)


def _header(line: str) -> tuple[str, str, str] | None:
    """A justfile recipe header: (name, parameters, dependencies), or None for any other line."""
    m = re.match(r"@?([A-Za-z_][A-Za-z0-9_-]*)", line)
    if not m or re.match(r"(?:set|alias|export|import|mod)\b", line):
        return None
    quote = ""
    for i in range(m.end(), len(line)):
        ch = line[i]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"`":
            quote = ch
        elif ch == ":":
            if line[i + 1:i + 2] == "=":
                return None
            return m.group(1), line[m.end():i], line[i + 1:]
        elif ch == "=" and not line[m.end():i].strip():
            return None  # `name = value`
    return None


def _required(params: str) -> bool:
    for param in re.findall(r"""([$+*]?[A-Za-z_][\w-]*)(\s*=\s*(?:'[^']*'|"[^"]*"|`[^`]*`|[^\s]+))?""", params):
        if not param[1] and not param[0].startswith("*"):
            return True
    return False


def parse_just(text: str, rel: str) -> tuple[dict[str, Task], str | None, dict[str, str]]:
    tasks: dict[str, Task] = {}
    aliases: dict[str, str] = {}
    attrs: list[str] = []
    current: Task | None = None
    default = None
    for line in text.split("\n"):
        if line[:1] in (" ", "\t"):
            if current is not None and line.strip() and not line.strip().startswith("#!"):
                body = line.strip().lstrip("@-").strip()
                if body and not body.startswith("#"):
                    current.body.append(body)
            continue
        current = None
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("["):
            attrs += re.findall(r"[\w-]+(?:\s*[:(]\s*['\"][^'\"]*['\"]\)?)?", line)
            continue
        if (alias := re.match(r"alias\s+([\w-]+)\s*:=\s*([\w-]+)", line)):
            aliases[alias.group(1)] = alias.group(2)
        header = _header(line)
        if header is None:
            attrs = []
            continue
        name, params, deps = header
        group = next((re.sub(r"""^group\s*[:(]\s*['"]|['"]\)?$""", "", a) for a in attrs if a.startswith("group")), "")
        deps = deps.split("#", 1)[0].replace("&&", " ")
        dep_names = re.findall(r"\(\s*([\w-]+)[^)]*\)", deps) + re.findall(r"[\w-]+", re.sub(r"\([^)]*\)", " ", deps))
        task = Task(name, f"just {name}", [], Source(rel, f"recipe {name}"), deps=dep_names, group=group,
                    hidden=name.startswith("_") or "private" in attrs, needs_args=_required(params))
        tasks[name] = current = task
        default = default or name
        attrs = []
    return tasks, default, aliases


def just(view: RepoView, scope: str, out: Findings) -> None:
    rel = view.first(scope, "justfile", "Justfile", ".justfile")
    text = view.text(rel) if rel else None
    if text is None:
        return
    tasks, default, aliases = parse_just(text, rel)
    graph = Graph("just", tasks)
    graph.add_to(out, default)
    for alias, target in aliases.items():
        if target in tasks:
            out.targets["just"][alias] = graph.verdict(target).kind


def taskfile(view: RepoView, scope: str, out: Findings) -> None:
    rel = view.first(scope, "Taskfile.yml", "Taskfile.yaml", "taskfile.yml", "taskfile.yaml")
    if not rel:
        return
    declared = dig(view.yaml(rel), "tasks")
    tasks: dict[str, Task] = {}
    for name, conf in declared.items() if isinstance(declared, dict) else ():
        conf = conf if isinstance(conf, dict) else {"cmds": conf if isinstance(conf, list) else [conf]}
        body, deps = [], []
        for cmd in conf.get("cmds") or []:
            if isinstance(cmd, str):
                body += [line for line in cmd.splitlines() if line.strip()]
            elif isinstance(cmd, dict) and isinstance(cmd.get("cmd"), str):
                body.append(cmd["cmd"])
            elif isinstance(cmd, dict) and isinstance(cmd.get("task"), str):
                deps.append(cmd["task"])
        deps += [d if isinstance(d, str) else d.get("task", "") for d in conf.get("deps") or []
                 if isinstance(d, (str, dict))]
        tasks[str(name)] = Task(str(name), f"task {name}", body, Source(rel, f"tasks.{name}"), deps=deps,
                                hidden=bool(conf.get("internal")), needs_args="*" in str(name))
    Graph("task", tasks, ("go-task",)).add_to(out, "default" if "default" in tasks else None)


def detect(view: RepoView, scope: str) -> Findings:
    out = Findings()
    make(view, scope, out)
    just(view, scope, out)
    taskfile(view, scope, out)
    return out
