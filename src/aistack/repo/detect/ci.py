"""What CI runs to check a change: GitHub Actions workflows triggered by pull requests or pushes, and GitLab CI
jobs, keeping only check jobs and only steps an agent can run as they are. Read at the repository root only."""

from __future__ import annotations

import re

from aistack.repo import judge, kinds
from aistack.repo.index import RepoView, dig
from aistack.repo.model import KINDS, READ, Command, Findings, Source, classify

CHECK_TRIGGERS = {"pull_request", "push", "merge_group"}
NOT_A_CHECK = re.compile(r"(?:^|[\s_:/()-])(?:release|releases|publish|publishing|deploy|deployment|pages|triage|label"
                         r"|labeler|labels|stale|lock|backport|notify|comment|greet|welcome|cleanup|bump|tag|tags"
                         r"|upload|changelog|sponsors?|dependabot|renovate|auto-?merge|snapshot|nightly|cron|bot"
                         r"|trigger|dispatch|report|cache|prepare-cache|alls-green|status|changes|changed)"
                         r"(?:$|[\s_:/()-])", re.I)
RELEASE_ACTION = re.compile(r"gh-action-pypi-publish|action-gh-release|actions-gh-pages|pages-deploy|deploy-pages"
                            r"|release-please|changesets/action|goreleaser-action|build-push-action|release-action"
                            r"|upload-release-asset|create-release|semantic-release|npm-publish|publish-action"
                            r"|crates-io-auth|deploy-action|s3-deploy|vercel-action|netlify", re.I)
NOT_ON_PULL_REQUESTS = re.compile(
    r"github\.event_name\s*==\s*'(?:push|schedule|release|workflow_dispatch|repository_dispatch)'"
    r"|github\.event_name\s*!=\s*'pull_request'|refs/tags|github\.ref\s*==|github\.ref_name\s*==|startsWith\(\s*"
    r"github\.ref\b|github\.event\.label|github\.event\.pull_request\.labels")
SECRETS = re.compile(r"\$\{\{\s*(?:secrets\.|github\.token)")
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
GITLAB_RESERVED = {"stages", "variables", "default", "include", "workflow", "image", "services", "cache",
                   "before_script", "after_script", "types", "pages"}
GITLAB_NOT_CHECK_STAGES = {"deploy", "release", "publish", "pages", "cleanup", ".post", ".pre"}
MAIN = re.compile(r"(?:ci|tests?|build|main|checks?|lint|pr|pull[-_]request|verify|validate|nodejs|node|go|rust"
                  r"|python|java|gradle|maven)\.ya?ml$", re.I)  # the main workflow first, then the rest
MAX_SCRIPT_LINES = 3
MAX_LENGTH = 200
UNRESOLVED = object()


def triggers(data: dict) -> set[str]:
    on = data.get("on", data.get(True))
    if isinstance(on, str):
        return {on}
    if isinstance(on, list):
        return {str(x) for x in on}
    out = set()
    for event, conf in on.items() if isinstance(on, dict) else ():
        tags_only = isinstance(conf, dict) and conf.get("tags") is not None and not any(
            k in conf for k in ("branches", "branches-ignore"))
        if not (event == "push" and tags_only):
            out.add(str(event))
    return out


def first_combination(strategy) -> dict | None:
    """The matrix's first combination (with the `include` entries that extend it); None when it is an expression."""
    matrix = dig(strategy, "matrix") if isinstance(strategy, dict) else None
    if matrix is None:
        return {}
    if not isinstance(matrix, dict):
        return None
    combo = {}
    for key, values in matrix.items():
        if key in ("include", "exclude"):
            continue
        if not isinstance(values, list) or not values:
            return None
        combo[key] = values[0]
    includes = [i for i in matrix.get("include") or [] if isinstance(i, dict)]
    if not combo and includes:
        return dict(includes[0])
    for extra in includes:
        if all(combo[k] == v for k, v in extra.items() if k in combo):
            combo.update({k: v for k, v in extra.items() if k not in combo})
    return combo


def _value(expr: str, matrix: dict, env: dict):
    if re.fullmatch(r"'[^']*'", expr):
        return expr[1:-1]
    if re.fullmatch(r"-?\d+(?:\.\d+)?|true|false|null", expr):
        return "" if expr in ("false", "null") else expr
    m = re.fullmatch(r"(matrix|env)((?:\.[A-Za-z_][\w-]*)+)", expr)
    if not m:
        return UNRESOLVED
    data = matrix if m.group(1) == "matrix" else env
    for key in m.group(2).split(".")[1:]:
        data = data.get(key) if isinstance(data, dict) else None
    if isinstance(data, (dict, list)):
        return UNRESOLVED
    return "" if data is None else str(data)


def resolve(text: str, matrix: dict | None, env: dict) -> str | None:
    """text with `${{ matrix.x }}`, `${{ env.X }}` and `a || 'b'` replaced; None when anything else remains."""
    if "${{" not in text:
        return text
    if matrix is None:
        return None
    failed = False

    def one(m: re.Match) -> str:
        nonlocal failed
        value = ""
        for alternative in (a.strip() for a in m.group(1).split("||")):
            value = _value(alternative, matrix, env)
            if value is UNRESOLVED:
                failed = True
                return ""
            if value:
                return value
        return value

    out = EXPR.sub(one, text)
    return None if failed else re.sub(r"[ \t]+", " ", out).strip()


def _uses_dynamic_env(script: str, *scopes: dict) -> bool:
    """The script reads a `$VAR` whose value CI computes (`${{ steps.x.outputs.y }}`): not runnable elsewhere."""
    dynamic = {str(k) for scope in scopes for k, v in (scope.get("env") or {}).items()
               if isinstance(scope.get("env"), dict) and "${{" in str(v)}
    return any(re.search(rf"\$\{{?{re.escape(name)}\b", script) for name in dynamic)


def _literal_env(*tables) -> dict:
    env: dict = {}
    for table in tables:
        for key, value in (table or {}).items() if isinstance(table, dict) else ():
            if isinstance(value, (str, int, float, bool)) and "${{" not in str(value):
                env[str(key)] = "" if value is None else str(value)
            else:
                env.pop(str(key), None)
    return env


def script_command(script: str) -> tuple[str, str] | None:
    """(directory, command) for a `run:` script an agent can run whole, or None (control flow, CI-only
    variables, a release step, too long). Several plain lines become one `a && b` command."""
    lines = [line for line in judge.logical_lines(script) if not re.fullmatch(r"set\s+[-+]\w+(?:\s+\w+)*", line)]
    cwd = ""
    if lines and (m := re.fullmatch(r"cd\s+([\w./-]+)(?:\s*&&\s*(.+))?", lines[0])):
        cwd = m.group(1).strip("/").removeprefix("./")
        lines = ([m.group(2)] if m.group(2) else []) + lines[1:]
    if not lines or len(lines) > MAX_SCRIPT_LINES:
        return None
    for line in lines:
        for part in judge.chain(re.sub(r"\s*\|\|\s*true$", "", line)):
            if judge.fragment(part) or judge.danger(part) or judge.is_setup_noise(part) or judge.is_watch(part):
                return None
    command = " && ".join(re.sub(r"\s*\|\|\s*true$", "", line) for line in lines)
    return (cwd, command) if len(command) <= MAX_LENGTH else None


KNOWN = {"node", "python", "python3", "bash", "sh", "make", "just", "cargo", "go", "npm", "pnpm", "yarn", "bun",
         "npx", "uv", "uvx", "poetry", "pdm", "hatch", "pipx", "pip", "tox", "nox", "pre-commit", "mvn", "gradle",
         "dotnet", "ruby", "bundle", "deno", "java", "docker"}


def _runnable_here(view: RepoView, command: str, earlier: list[Command]) -> bool:
    """A known tool, a script in the repository, or a tool an earlier kept step of the job installs."""
    words = judge.command_words(command)
    first = words[0] if words else ""
    return first in KNOWN or view.has(first.removeprefix("./")) or any(
        c.kind == "install" and re.search(rf"(?<![\w-]){re.escape(first)}(?![\w-])", c.run) for c in earlier)


def _job_commands(view: RepoView, rel: str, data: dict, job: str, conf: dict, found: Findings) -> list[Command]:
    if not isinstance(conf, dict) or "uses" in conf or "environment" in conf:
        return []  # a reusable workflow or a deployment
    if NOT_A_CHECK.search(job) or NOT_A_CHECK.search(str(conf.get("name", ""))):
        return []
    if pull_request_only_skips(str(conf.get("if", ""))):
        return []
    steps = [s for s in conf.get("steps") or [] if isinstance(s, dict)]
    if any(RELEASE_ACTION.search(str(s.get("uses", ""))) for s in steps):
        return []
    if SECRETS.search(str(conf.get("env", ""))):
        return []  # its commands need the repository's credentials
    matrix = first_combination(conf.get("strategy"))
    env = _literal_env(data.get("env"), conf.get("env"))
    runs_on = (resolve(str(conf.get("runs-on", "")), matrix, env) or "").lower()
    defaults = [dig(conf, "defaults", "run") or {}, dig(data, "defaults", "run") or {}]
    out: list[Command] = []
    foreign: list[str] = []
    for step in steps:
        uses = str(step.get("uses", ""))
        if uses.startswith("actions/checkout") and (dig(step, "with", "repository") or dig(step, "with", "path")):
            path = str(dig(step, "with", "path") or "").strip("/").removeprefix("./")
            if not path:
                break  # the workspace now holds another repository
            foreign.append(path)  # another repository, or another version of this one
        if "run" not in step or pull_request_only_skips(str(step.get("if", ""))) or SECRETS.search(
                str(step.get("env", ""))):
            continue
        step_env = _literal_env(data.get("env"), conf.get("env"), step.get("env"))
        shell = step.get("shell") or defaults[0].get("shell") or defaults[1].get("shell") or (
            "pwsh" if runs_on.startswith("windows") else "bash")
        shell = resolve(str(shell), matrix, step_env)
        if shell is None or shell.split()[0] not in ("bash", "sh"):
            continue
        workdir = step.get("working-directory") or defaults[0].get("working-directory") or defaults[1].get(
            "working-directory") or ""
        workdir = resolve(str(workdir), matrix, step_env)
        script = resolve(str(step["run"]), matrix, step_env)
        if workdir is None or script is None or _uses_dynamic_env(script, data, conf, step):
            continue
        parsed = script_command(script)
        if parsed is None:
            continue
        cwd = "/".join(p for p in (workdir.strip("/").removeprefix("./").strip("."), parsed[0]) if p)
        if any(cwd == f or cwd.startswith(f + "/") for f in foreign):
            continue
        kind = kinds.command_kind(parsed[1], found.lookup)
        by_name = classify(re.sub(r"\W+", "-", str(step.get("name", "")).lower()).strip("-"))
        if kind == "release":
            continue
        if kind is None and not _runnable_here(view, parsed[1], out):
            continue  # a tool CI installed in a step left out, or one of the runner's own
        kind = kind or by_name or "other"  # a step's name says less than its command: ranked after
        out.append(Command(kind if kind in KINDS else "other", parsed[1], Source(rel, f"job {job}"), READ,
                           cwd=cwd, rank=3 if kinds.command_kind(parsed[1], found.lookup) else 5))
    return sorted(dict.fromkeys(out), key=ci_order)


def ci_order(c: Command) -> tuple:
    """Checks first, then builds, setup and the rest; the same order whatever the order of the steps."""
    rank = kinds.CHECKS.index(c.kind) if c.kind in kinds.CHECKS else {"build": 5, "install": 6}.get(c.kind, 7)
    return rank, len(c.run), c.run


def pull_request_only_skips(condition: str) -> bool:
    """An `if:` that no pull request satisfies: every `||` alternative needs a push, a tag, a label or a ref."""
    alternatives = [a for a in re.split(r"\|\|", condition) if a.strip()]
    return bool(alternatives) and all(NOT_ON_PULL_REQUESTS.search(a) for a in alternatives)


def github(view: RepoView, found: Findings, out: Findings) -> None:
    workflows = sorted((f for f in view.under(".github/workflows/") if f.count("/") == 2
                        and f.endswith((".yml", ".yaml"))), key=lambda f: (not MAIN.match(f.rpartition("/")[2]), f))
    for rel in workflows:
        data = view.yaml(rel)
        if not isinstance(data, dict) or not triggers(data) & CHECK_TRIGGERS:
            continue
        jobs = data.get("jobs")
        for job in sorted(jobs, key=str) if isinstance(jobs, dict) else ():
            out.ci += _job_commands(view, rel, data, str(job), jobs[job], found)


def gitlab(view: RepoView, found: Findings, out: Findings) -> None:
    rel = view.first("", ".gitlab-ci.yml")
    data = view.yaml(rel) if rel else None
    if not isinstance(data, dict):
        return
    for job in sorted(data, key=str):
        conf = data[job]
        if job in GITLAB_RESERVED or str(job).startswith(".") or not isinstance(conf, dict):
            continue
        rules = " ".join(str(r) for r in conf.get("rules") or [])
        if (str(conf.get("stage", "test")) in GITLAB_NOT_CHECK_STAGES or NOT_A_CHECK.search(str(job))
                or conf.get("when") == "manual" or "tags" in str(conf.get("only", "")) or "CI_COMMIT_TAG" in rules):
            continue
        script = conf.get("script")
        commands = []
        for entry in [script] if isinstance(script, str) else script if isinstance(script, list) else []:
            parsed = script_command(str(entry))
            if parsed is None:
                continue
            kind = kinds.command_kind(parsed[1], found.lookup) or "other"
            if kind != "release":
                commands.append(Command(kind if kind in KINDS else "other", parsed[1], Source(rel, f"job {job}"),
                                        READ, cwd=parsed[0], rank=3))
        out.ci += sorted(dict.fromkeys(commands), key=ci_order)


def detect(view: RepoView, scope: str, found: Findings) -> Findings:
    out = Findings()
    if scope == "":
        github(view, found, out)
        gitlab(view, found, out)
    return out
