"""The org profile: what a platform team publishes once (`schema`), and where it is read from (`source`)."""

from aistack.profile.policy import OTLP_PROTOCOLS, SERVER_MODES, Policy, Telemetry
from aistack.profile.schema import DEFAULT_SCOPES, SCHEMA, USAGE_BACKENDS, Auth, Gateway, McpServer, Profile, validate
from aistack.profile.source import (
                                    REMEMBERED,
                                    WELL_KNOWN,
                                    agents_template,
                                    load,
                                    load_remembered,
                                    parse_text,
                                    profile_url,
                                    remember,
                                    remembered_path,
                                    resolve,
)
from aistack.profile.values import HEADER_NAME, SERVER_NAME, is_loopback, url_problem

__all__ = [
    "DEFAULT_SCOPES", "HEADER_NAME", "OTLP_PROTOCOLS", "Policy", "SERVER_MODES", "Telemetry", "REMEMBERED", "SCHEMA",
    "SERVER_NAME", "USAGE_BACKENDS", "WELL_KNOWN",
    "agents_template", "Auth",
    "Gateway", "McpServer", "Profile", "is_loopback", "load", "load_remembered", "parse_text", "profile_url",
    "remember", "remembered_path", "resolve", "url_problem", "validate",
]
