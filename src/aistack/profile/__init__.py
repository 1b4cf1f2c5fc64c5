"""The org profile: what a platform team publishes once (`schema`), and where it is read from (`source`)."""

from aistack.profile.schema import (DEFAULT_SCOPES, HEADER_NAME, SCHEMA, SERVER_NAME, USAGE_BACKENDS, Auth, Gateway,
                                    McpServer, Profile, is_loopback, url_problem, validate)
from aistack.profile.source import (REMEMBERED, WELL_KNOWN, load, load_remembered, parse_text, profile_url, remember,
                                    remembered_path, resolve)

__all__ = [
    "DEFAULT_SCOPES", "HEADER_NAME", "REMEMBERED", "SCHEMA", "SERVER_NAME", "USAGE_BACKENDS", "WELL_KNOWN", "Auth",
    "Gateway", "McpServer", "Profile", "is_loopback", "load", "load_remembered", "parse_text", "profile_url",
    "remember", "remembered_path", "resolve", "url_problem", "validate",
]
