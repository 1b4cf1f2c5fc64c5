"""Where the org profile comes from: a file (TOML or JSON), the org's URL, or the copy remembered locally."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Literal, overload

from aistack import wire
from aistack.errors import AistackError, UsageError
from aistack.paths import Env, private_dir
from aistack.profile.schema import Profile, validate
from aistack.profile.values import is_remote, template_problem, url_problem, without_userinfo

WELL_KNOWN = "/.well-known/aistack"
REMEMBERED = "org.json"


def parse_text(text: str, source: str, fmt: str | None = None) -> Profile:
    """Parse TOML or JSON text (by `fmt`, else by a leading brace) and validate it."""
    import tomllib

    fmt = fmt or ("json" if text.lstrip("\ufeff \t\r\n").startswith("{") else "toml")
    try:
        if fmt == "json":
            data = wire.loads(text)
        else:
            data = tomllib.loads(text)
    except json.JSONDecodeError as e:
        raise AistackError(f"org profile {source}: not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}.",
                           hint="Fix the JSON syntax; nothing was written.") from None
    except tomllib.TOMLDecodeError as e:
        raise AistackError(f"org profile {source}: not valid TOML: {e}.",
                           hint="Fix the TOML syntax; nothing was written.") from None
    except (ValueError, RecursionError) as e:  # nesting too deep for the decoder
        raise AistackError(f"org profile {source}: cannot be read ({e or 'nested too deeply'}).",
                           hint="Fix the profile; nothing was written.") from None
    return validate(data, source)


def profile_url(value: str) -> str:
    """https://ai.example.com -> https://ai.example.com/.well-known/aistack"""
    base = value.rstrip("/")
    return base if base.endswith(WELL_KNOWN) else base + WELL_KNOWN


def _fetch(value: str) -> tuple[str, str]:
    import httpx

    problem = url_problem(value)
    if problem:
        raise UsageError(f"--org {without_userinfo(value)}: the org URL must be {problem}.")
    url = profile_url(value)
    try:
        with wire.client(httpx, timeout=15, headers={"Accept": "application/json"}) as client:
            response = wire.fetch(client, "GET", url, within=30)
    except AistackError as e:
        raise AistackError(f"could not fetch the org profile: {e.message}", hint=e.hint) from None
    except httpx.HTTPError as e:
        raise AistackError(f"could not fetch the org profile from {url}: {e.__class__.__name__}: {e}.",
                           hint="Check the URL and your network or proxy, then try again.") from None
    if response.status_code != 200:
        raise AistackError(f"could not fetch the org profile from {url}: HTTP {response.status_code}.",
                           hint="Check the org URL with your platform team.")
    return url, response.text


def load(value: str) -> Profile:
    """Load a profile from a path (TOML or JSON) or an org URL."""
    if value.startswith(("https://", "http://")):
        url, text = _fetch(value)
        return parse_text(text, url, "json")
    path = Path(value).expanduser()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise AistackError(f"org profile {value}: no such file.",
                           hint="Pass a profile path or your org's URL with --org.", exit_code=2) from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as e:
        raise AistackError(f"org profile {value}: cannot be read ({e.__class__.__name__}).") from None
    fmt = {".json": "json", ".toml": "toml"}.get(path.suffix.lower())
    return parse_text(text, str(path.resolve()), fmt)


def agents_template(profile: Profile) -> str | None:
    """Where `init-repo` reads the org's AGENTS.md template: its URL, or the absolute path of a file inside the
    profile's own directory; None for the built-in template. A symbolic link that leads out of that directory is
    refused like a `..` (README, "Trust boundaries")."""
    value = profile.templates.get("agents_md")
    if not value:
        return None
    problem = template_problem(value, profile.source)  # validated on load; a remembered copy is checked again
    if problem:
        raise AistackError(f"org profile {profile.source}: `templates.agents_md` must be {problem}.",
                           hint="Fix the org profile or ask your platform team; nothing was written.")
    if "://" in value:
        return value
    base = Path(profile.source).parent.resolve()
    path = (base / value).resolve()
    if not path.is_relative_to(base):
        raise AistackError(f"org profile {profile.source}: `templates.agents_md` {value!r} leads outside the"
                           f" profile's directory {base} (through a symbolic link).",
                           hint="Put the template itself in the profile's directory; nothing was written.")
    return str(path)


def remembered_path(env: Env) -> Path:
    return Path(env.config_dir()) / REMEMBERED


def remember(profile: Profile, env: Env) -> None:
    from aistack.engine.files import atomic_write, read_bytes

    target = remembered_path(env)
    text = json.dumps({"source": profile.source, "profile": profile.raw}, indent=2) + "\n"
    try:
        if read_bytes(target) == text.encode():
            return  # the same profile again: no write, no fsync
    except AistackError:  # not a regular file, or unreadable: replaced below
        pass
    try:
        private_dir(target.parent)  # aistack's config dir: 0700 whatever the umask
        atomic_write(target, text, mode=0o600)
    except (OSError, AistackError) as e:  # a read-only HOME: this run goes on, the next one needs --org again
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        sys.stderr.write(f"warning: could not remember the org profile in {target} ({reason}); "
                         "pass --org again next time.\n")


def load_remembered(env: Env) -> Profile | None:
    from aistack.engine.files import read_bytes

    try:
        raw = read_bytes(remembered_path(env))  # never a FIFO's endless wait
        if raw is None:
            return None
        payload = wire.loads(raw.decode("utf-8"))
        return validate(payload["profile"], payload["source"])
    except (ValueError, KeyError, TypeError):
        raise AistackError(f"the remembered org profile {remembered_path(env)} is damaged.",
                           hint="Pass --org again to replace it.") from None


@overload
def resolve(org: str | None, env: Env, *, required: Literal[True] = True, keep: bool = True) -> Profile: ...
@overload
def resolve(org: str | None, env: Env, *, required: bool, keep: bool = True) -> Profile | None: ...
def resolve(org: str | None, env: Env, *, required: bool = True, keep: bool = True) -> Profile | None:
    """The profile named by --org (then remembered, unless `keep` is False: a dry run writes nothing), else the
    remembered one."""
    if org:
        profile = load(org)
        if not keep:
            return profile
        if is_remote(profile.source) or Path(profile.source).exists():
            remember(profile, env)
        return profile
    remembered = load_remembered(env)
    if remembered is not None and not is_remote(remembered.source):
        # A local file may have changed since; prefer its current content while it exists.
        if Path(remembered.source).is_file():
            remembered = load(remembered.source)
    if remembered is None and required:
        raise UsageError("no org profile yet.",
                         hint="Pass --org PATH or --org https://your-org (it is remembered for later commands).")
    return remembered
