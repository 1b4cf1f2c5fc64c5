"""OpenID Connect discovery: the IdP's endpoints, checked before any flow starts."""

from __future__ import annotations

from dataclasses import dataclass

from aistack.auth.http import Http, json_body
from aistack.errors import AistackError
from aistack.profile import url_problem

WELL_KNOWN = "/.well-known/openid-configuration"
PROFILE_HINT = "Check `auth.issuer` in the org profile with your platform team: it must be the IdP's issuer URL."


@dataclass(frozen=True)
class Metadata:
    issuer: str
    token_endpoint: str
    jwks_uri: str
    authorization_endpoint: str | None = None
    device_authorization_endpoint: str | None = None
    revocation_endpoint: str | None = None
    userinfo_endpoint: str | None = None
    code_challenge_methods: tuple[str, ...] = ()

    def endpoints(self) -> dict[str, str]:
        """What a session keeps so refresh and logout need no discovery."""
        return {k: v for k, v in (("token", self.token_endpoint), ("revocation", self.revocation_endpoint),
                                  ("userinfo", self.userinfo_endpoint)) if v}


def discover(http: Http, issuer: str) -> Metadata:
    issuer = issuer.rstrip("/")
    url = issuer + WELL_KNOWN
    response = http.get(url, "OpenID discovery")
    if response.status_code != 200:
        raise AistackError(f"{url} answered HTTP {response.status_code}: {issuer} does not look like an OpenID "
                           "Connect issuer.", hint=PROFILE_HINT)
    doc = json_body(response)
    if doc is None:
        kind = response.headers.get("content-type", "unknown").split(";")[0]
        raise AistackError(f"{url} is not an OpenID discovery document (it is {kind}, not a JSON object).",
                           hint=PROFILE_HINT + " A login page here usually means a proxy or SSO gateway intercepts it.")
    named = doc.get("issuer")
    if not isinstance(named, str) or named.rstrip("/") != issuer:
        raise AistackError(f"issuer mismatch: the discovery document at {url} names issuer {named!r}, but the org "
                           f"profile says {issuer!r}; they must be identical.", hint=PROFILE_HINT)

    def endpoint(key: str, required: bool) -> str | None:
        value = doc.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value:
            raise AistackError(f"the discovery document at {url} has no `{key}`.", hint=PROFILE_HINT)
        problem = url_problem(value)
        if problem:
            raise AistackError(f"the discovery document at {url} has `{key}` {value!r}; it must be {problem}.",
                               hint=PROFILE_HINT)
        return value

    def required(key: str) -> str:
        value = endpoint(key, True)
        assert value is not None  # endpoint() raised for a required key it did not find
        return value

    methods = doc.get("code_challenge_methods_supported")
    return Metadata(
        issuer=issuer,
        token_endpoint=required("token_endpoint"),
        jwks_uri=required("jwks_uri"),
        authorization_endpoint=endpoint("authorization_endpoint", False),
        device_authorization_endpoint=endpoint("device_authorization_endpoint", False),
        revocation_endpoint=endpoint("revocation_endpoint", False),
        userinfo_endpoint=endpoint("userinfo_endpoint", False),
        code_challenge_methods=tuple(m for m in methods if isinstance(m, str)) if isinstance(methods, list) else (),
    )
