"""What a shell command does, read from its text: releases, history rewrites, watch loops, system installs,
shell fragments, and the kind of check it is. Pure functions over strings; detection feeds them task bodies."""

from __future__ import annotations

import re
import shlex

# Each: (what it does, pattern over one command line). Order is the order of the first reason reported.
_DANGER = [
    ("publishes", r"\bpublish|\bunpublish\b|\bdist-tag\b|\bnpm\s+(?:deprecate|owner|adduser|login)\b"),
    ("uploads", r"\bupload\b"),
    ("pushes", r"\bpush\b"),
    ("releases", r"\bgh\s+release\b|\bgoreleaser\b|\bsemantic-release\b|\brelease-it\b|\brelease-please\b"
                 r"|\bchangeset\s+(?:version|publish)\b|\bstandard-version\b|\bcargo[\s-]release\b|\brelease:"
                 r"|(?:^|[\s;&|(])np(?:$|\s)|\bbump(?:2)?version\b|\bcz\s+bump\b|\b(?:npm|yarn|pnpm)\s+version\b"),
    ("releases", r"(?:^|\s)\S*/(?:release|publish|deploy|upload)[\w.-]*(?:\s|$)"),
    ("tags", r"\bgit\s+(?:-C\s+\S+\s+)?tag\b(?!\s+(?:-l|--list|--contains|--points-at)\b)"),
    ("deploys", r"\bdeploy\b|\bgh-pages\b|\bkubectl\s+(?:apply|delete|rollout|scale|patch)\b"
                r"|\bterraform\s+(?:apply|destroy)\b|\bpulumi\s+(?:up|destroy)\b|\bhelm\s+(?:install|upgrade)\b"
                r"|\bvercel\b.*--prod\b|\bfly\s+deploy\b|\bheroku\b"),
    ("changes remote state", r"\bgh\s+(?:pr|issue)\s+(?:close|merge|edit|comment|lock|delete|create|reopen|review)\b"
                             r"|\bgh\s+(?:api|secret|variable|workflow|run|repo|label|cache)\b"
                             r"|\bcurl\b.*-X\s*['\"]?(?:POST|PUT|PATCH|DELETE)\b|\baws\s+s3\s+(?:cp|sync|rm|mv)\b"
                             r"|\bgsutil\b|\bcrowdin\s+upload\b|\bdocker\s+login\b"),
    ("changes git history or discards work",
     r"\bgit\s+(?:-C\s+\S+\s+)?(?:reset\s+--hard|rebase|filter-branch|filter-repo|commit|merge|cherry-pick"
     r"|revert|stash|restore|clean\s+-\w*[fdx]|branch\s+-[dDmM]|update-ref|checkout|switch|pull\s+--rebase"
     r"|am\b|replace)\b"),
    ("needs root", r"(?:^|[\s;&|(])sudo\b|\bsu\s+-c\b|\bdoas\b"),
]
DANGER = [(what, re.compile(pattern)) for what, pattern in _DANGER]

WATCH = re.compile(
    r"(?:^|[\s:])watch(?=\s|$|:)|--watch\b|\bwatchexec\b|\bnodemon\b|(?:^|\s)entr\b|(?:^|\s)serve\b"
    r"|\brunserver\b|--reload\b|\b(?:next|nuxt|astro|remix|vite|vitepress|docusaurus|storybook)\s+(?:dev|start)\b"
    r"|(?:^|[\s;&|])vite\s*$|\bhttp\.server\b|\bdocker[\s-]compose\s+up\b(?!.*\s-d\b)|\bflask\s+run\b"
    r"|\bjupyter\s+(?:lab|notebook)\b|\bmkdocs\s+serve\b|\bsphinx-autobuild\b"
    r"|\b(?:ba|z)?sh\s+(?:-i\b|--init-file\b|--rcfile\b)|--open\b|\bread\s+-[a-z]*p\b|--pdb\b|--trace\b"
    r"|(?:^|[\s;&|])(?:man|less|more|vim?|nano|emacs|top|htop)\s")
SYSTEM_INSTALL = re.compile(
    r"\$[({]?(?:DESTDIR|PREFIX|prefix|BINDIR|bindir|INSTALL_DIR)\b|(?:^|\s)/usr/(?:local/)?(?:bin|lib|share)\b"
    r"|(?:^|\s)/opt/|\bcargo\s+install\b|\bgo\s+install\b|\bpipx\s+install\b|\buv\s+tool\s+install\b"
    r"|\bgem\s+install\b|\bnpm\s+(?:install|i)\s+(?:-g|--global)\b|\bnpm\s+link\b|\binstall\s+-[dm]"
    r"|--system\b|--break-system-packages\b|\bpip3?\s+install\s+(?:.*\s)?--user\b")

SHELL_KEYWORDS = {"if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac",
                  "function", "select", "{", "}", "(", ")", "[[", "]]", "[", "end", "endif", ";;", "in", "local",
                  "return", "shift", "trap", "exit", "break", "continue", "declare", "readonly", "eval", "exec"}
STATE_ONLY = {"cd", "pushd", "popd", "export", "set", "unset", "source", ".", "echo", "printf", "alias", "ulimit",
              "umask", "true", "false", ":", "sleep", "wait"}
CI_ONLY = re.compile(r"\$\{?(?:GITHUB|RUNNER|CI_|ACTIONS_)\w*|\$env:|%\w+%|::(?:set-output|add-matcher|group|"
                     r"endgroup|warning|error|notice)|\$\{\{")
POWERSHELL = re.compile(r"(?:^|\s)@\{|(?:^|\s)\$\w+\s*=|-ErrorAction\b|\bWrite-Host\b|\bSet-Location\b|\bGet-\w+\b")
SETUP_TOOLS = {"apt", "apt-get", "brew", "choco", "yum", "dnf", "apk", "pacman", "snap", "winget", "scoop",
               "curl", "wget", "tar", "unzip", "mkdir", "cp", "mv", "rm", "ln", "chmod", "chown", "touch", "cat",
               "ls", "find", "env", "which", "git"}


REWRITES = re.compile(r"\s(?:--update[\w-]*|--snapshot-update|--record-mode[= ]\S+|--regen\w*|--bless)(?:[\s=]|$)")


def rewrites(line: str) -> bool:
    """Regenerates snapshots, examples or recordings: a maintenance step, not a check."""
    return bool(REWRITES.search(line))


def danger(line: str) -> str | None:
    """What makes this command unsafe for an agent to run (it publishes, pushes, rewrites history...), or None."""
    for what, pattern in DANGER:
        if pattern.search(line):
            return what
    return None


def is_watch(line: str) -> bool:
    """A loop that never exits on its own: a file watcher or a server."""
    return bool(WATCH.search(line))


def is_system_install(line: str) -> bool:
    """Copies a built binary into the system (or the user's PATH) rather than installing the project's deps."""
    return bool(SYSTEM_INSTALL.search(line))


def logical_lines(script: str) -> list[str]:
    """A shell script's commands: backslash continuations joined, comments and blank lines dropped."""
    out: list[str] = []
    pending = ""
    for raw in script.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if pending:
            line = pending + " " + line
            pending = ""
        if line.endswith("\\"):
            pending = line[:-1].rstrip()
            continue
        if line and not line.startswith("#"):
            out.append(re.sub(r"\s+", " ", line))
    if pending:
        out.append(pending + " \\")  # a dangling continuation: a fragment, caught by fragment()
    return out


def words(line: str) -> list[str] | None:
    """The line split like a POSIX shell would, or None when its quotes do not balance."""
    try:
        return shlex.split(line, comments=False, posix=True)
    except ValueError:
        return None


def _balanced(line: str) -> bool:
    depth = 0
    quote = ""
    for ch in line:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"`":
            quote = ch
        elif ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0 and not quote


def fragment(line: str) -> str | None:
    """Why this line is not a whole command an agent can paste into a shell, or None when it is one."""
    stripped = line.strip()
    if not stripped:
        return "empty"
    if CI_ONLY.search(stripped):
        return "uses CI-only variables or expressions"
    if POWERSHELL.search(stripped):
        return "PowerShell"
    if stripped.endswith(("\\", "|", "&&", "||", "{", "(", ";", " then", " do", " else")):
        return "continues on the next line"
    if not _balanced(stripped):
        return "unbalanced quotes or brackets"
    parts = words(stripped)
    if not parts:
        return "unbalanced quotes"
    first = parts[0]
    if first in SHELL_KEYWORDS or first.endswith(("()", ")")) or stripped.startswith(("[ ", "[[ ")):
        return "shell control flow"
    if first in STATE_ONLY:
        return "changes only the shell's own state"
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", stripped) and " " not in stripped:
        return "a variable assignment"
    if "<<" in stripped:
        return "a heredoc"
    if re.search(r"<[A-Za-z][\w .|/-]*>|(?:^|\s)\.\.\.(?:\s|$)|\bYOUR_|\bPATH_TO\b|\bxxx\b", stripped):
        return "a placeholder to fill in"
    return None


def command_words(line: str) -> list[str]:
    """The command's words with leading `VAR=value` assignments and wrappers (time, env, nice) removed."""
    parts = words(line) or line.split()
    while parts and (re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", parts[0]) or parts[0] in ("time", "env", "nice",
                                                                                         "command", "exec")):
        parts = parts[1:]
    return parts


def first_command(line: str) -> str:
    """The first command of a `a && b` / `a; b` chain."""
    return re.split(r"\s*(?:&&|\|\||;)\s*", line, maxsplit=1)[0]


def chain(line: str) -> list[str]:
    """Every command of a `a && b || c; d` chain (pipes kept with their command)."""
    return [c for c in re.split(r"\s*(?:&&|\|\||;)\s*", line) if c.strip()]


def is_setup_noise(line: str) -> bool:
    """System package managers, downloads, file shuffling: a CI runner's chores, not the project's checks."""
    parts = command_words(line)
    if not parts or is_system_install(line):
        return True
    return parts[0] in SETUP_TOOLS and not (parts[0] == "git" and parts[1:2] == ["diff"])
