"""What a value in an org profile may be: names, HTTP header names and values (RFC 9110), URLs and template
locations. Every rule matches the whole value (`fullmatch`): a trailing newline is not a name.

A profile is written by a platform team but may be served over the network, so each rule is also a trust
boundary (README, "Trust boundaries"): a header value cannot start another header line, a URL cannot carry a
password, a template cannot be a file outside the profile's own directory.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from aistack.wire import origin

SERVER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
# RFC 9110 §5.1 field-name = token; §5.6.2 tchar.
HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# RFC 9110 §5.5 field-value: visible characters (and obs-text), spaces and tabs only between them; no CR, LF, NUL.
HEADER_VALUE = re.compile(r"(?:[\x21-\x7e\x80-\xff](?:[\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?)?")
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    import ipaddress

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_problem(value: str) -> str | None:
    """Why a URL is not acceptable, or None. http:// is allowed only to a loopback host; no userinfo, no spaces
    or control characters."""
    if CONTROL.search(value) or " " in value:
        return "a URL without spaces or control characters"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return "an https:// URL"
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "an https:// URL"
    if "@" in parts.netloc:
        return ("an https:// URL without a user name or password in it (`user:pass@`); aistack sends your token,"
                " never a password in a URL")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        return "an https:// URL (http:// is allowed only for 127.0.0.1, ::1 or localhost)"
    return None


def without_userinfo(value: str) -> str:
    """The URL as it may be shown: `user:pass@` replaced by `***@`."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return value
    if "@" not in parts.netloc:
        return value
    return parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]).geturl()


def is_remote(source: str) -> bool:
    """Whether a profile's source is a URL (served over the network) rather than a local file."""
    return source.startswith(("https://", "http://"))


def template_problem(value: str, source: str) -> str | None:
    """Why `templates.agents_md` may not be used by the profile read from `source`, or None.

    A profile served over the network may name only an https URL on its own origin; a local profile may name an
    https URL or a relative path that stays inside its own directory (no `~`, no absolute path, no `..`).
    """
    if "://" in value:
        problem = url_problem(value)
        if problem:
            return problem
        if is_remote(source) and origin(value) != origin(source):
            return f"an https:// URL on the profile's own origin ({_origin_text(source)})"
        return None
    if is_remote(source):
        return (f"an https:// URL on the profile's own origin ({_origin_text(source)}): a profile served over the"
                " network cannot name a file on this computer")
    if CONTROL.search(value):
        return "a path without control characters"
    normal = value.replace("\\", "/")
    if (normal.startswith(("/", "~")) or re.match(r"[A-Za-z]:", normal)
            or ".." in normal.split("/")):
        return "a path inside the profile's own directory (relative, without `~` or `..`), or an https:// URL"
    return None


def _origin_text(url: str) -> str:
    scheme, host, port = origin(url)
    return f"{scheme}://{host}:{port}"
