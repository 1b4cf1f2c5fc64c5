"""HTTP to the IdP: the OS trust store, bounded time, and errors that say what failed and never echo a secret."""

from __future__ import annotations

import ssl
import sys
from typing import Any
from urllib.parse import urlsplit

import httpx

from aistack import __version__, wire
from aistack.errors import AistackError

TIMEOUT = 20.0  # seconds per connect, read or write
RESPONSE_TIME = 60.0  # one whole answer, however it trickles
TLS_HINT = ("aistack uses the operating system's trust store. If a corporate proxy re-signs TLS, its root "
            "certificate must be installed there, or point SSL_CERT_FILE at a PEM bundle that contains it.")


def ssl_context() -> ssl.SSLContext:
    """The OS trust store (Keychain, Windows store, OpenSSL's paths incl. SSL_CERT_FILE/SSL_CERT_DIR)."""
    import truststore

    return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


class NetworkError(AistackError):
    """The IdP could not be reached or did not answer in time (worth a retry, unlike a TLS failure)."""


class Http:
    """A small client for the IdP. `debug` logs method, URL and status to stderr: never a body or a header."""

    def __init__(self, debug: bool = False, timeout: float = TIMEOUT):
        self.debug = debug
        self.timeout = timeout
        # No redirect is ever followed (an IdP answers where discovery says), and each whole answer has a deadline.
        self.client = wire.client(
            httpx, verify=ssl_context(), timeout=timeout, trust_env=True,
            headers={"User-Agent": f"aistack/{__version__}", "Accept": "application/json"},
        )

    def __enter__(self) -> "Http":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.client.close()

    def close(self) -> None:
        self.client.close()

    def request(self, method: str, url: str, what: str, **kwargs: Any) -> httpx.Response:
        try:
            response = wire.fetch(self.client, method, url, follow=False, within=RESPONSE_TIME, **kwargs)
        except wire.TooLarge as e:
            raise AistackError(f"{e.message} ({what})", hint="Check `auth.issuer` with your platform team.") from None
        except wire.TooSlow:
            raise NetworkError(f"the identity provider at {_origin(url)} did not send its whole answer within"
                               f" {RESPONSE_TIME:.0f} s ({what}).",
                               hint="Check your network, VPN or proxy, then try again.") from None
        except httpx.TimeoutException:
            raise NetworkError(f"the identity provider at {_origin(url)} did not answer within {self.timeout:.0f} s"
                               f" ({what}).", hint="Check your network, VPN or proxy, then try again.") from None
        except httpx.ConnectError as e:
            tls = _tls_error(e)
            if tls is not None:
                raise AistackError(f"TLS certificate verification failed for {_origin(url)} ({what}): {tls}.",
                                   hint=TLS_HINT) from None
            raise NetworkError(f"cannot reach the identity provider at {_origin(url)} ({what}): {_reason(e)}.",
                               hint="Check your network, VPN or proxy (HTTPS_PROXY), then try again.") from None
        except httpx.HTTPError as e:
            raise AistackError(f"HTTP error talking to {_origin(url)} ({what}): {e.__class__.__name__}.",
                               hint="Check your network, VPN or proxy, then try again.") from None
        if self.debug:
            sys.stderr.write(f"debug: {method} {_no_query(url)} -> HTTP {response.status_code}\n")
        return response

    def get(self, url: str, what: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, what, **kwargs)

    def post(self, url: str, what: str, data: dict[str, str]) -> httpx.Response:
        return self.request("POST", url, what, data=data)


def json_body(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = wire.loads(response.content)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def oauth_error(response: httpx.Response) -> tuple[str, str]:
    """(error, description) from an OAuth error response; ("", "") when the body is not one."""
    body = json_body(response) or {}
    error = body.get("error")
    if not isinstance(error, str):
        return "", ""
    description = body.get("error_description")
    return error, description if isinstance(description, str) else ""


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _no_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _tls_error(exc: BaseException) -> str | None:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return seen.verify_message or str(seen)
        if isinstance(seen, ssl.SSLError):
            return seen.reason or str(seen)
        seen = seen.__cause__ or seen.__context__
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text or "SSL" in text:
        return text
    return None


def _reason(exc: BaseException) -> str:
    text = str(exc) or exc.__class__.__name__
    if "Connection refused" in text or "ECONNREFUSED" in text:
        return "connection refused"
    if "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
        return "unknown host name"
    return text
