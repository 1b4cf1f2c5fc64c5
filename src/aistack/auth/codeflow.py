"""Authorization code + PKCE (RFC 7636) with a loopback redirect on 127.0.0.1 (RFC 8252)."""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, urlencode, urlsplit

from aistack.auth.discovery import Metadata
from aistack.auth.http import Http
from aistack.auth.tokens import TokenError, token_request
from aistack.errors import AistackError

CALLBACK_PATH = "/callback"
PAGE = ("<!doctype html><meta charset=utf-8><title>aistack</title>"
        "<body style='font-family:sans-serif;margin:3em'><h2>{title}</h2><p>{text}</p></body>")


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(32)  # 43 characters from the RFC 7636 alphabet
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


@dataclass
class _Result:
    params: dict[str, str] | None = None
    done: threading.Event = field(default_factory=threading.Event)


class _Loopback(HTTPServer):
    result: _Result
    state: str


class _Handler(BaseHTTPRequestHandler):
    server: _Loopback

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != CALLBACK_PATH:
            self._page(404, "Not found", "This is aistack's login callback.")
            return
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if params.get("state") != self.server.state:
            # Not the answer to our request (an old tab, or a forged redirect): ignore it and keep waiting.
            self._page(400, "Unexpected request", "This sign-in link does not belong to the running aistack login.")
            return
        if "error" in params:
            self._page(200, "Sign-in failed", "Return to the terminal for details.")
        else:
            self._page(200, "Signed in", "You can close this tab and return to the terminal.")
        self.server.result.params = params
        self.server.result.done.set()

    def _page(self, status: int, title: str, text: str) -> None:
        body = PAGE.format(title=html.escape(title), text=html.escape(text)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # the callback URL carries the code: never log it
        pass


def _listen(port: int) -> _Loopback:
    try:
        return _Loopback(("127.0.0.1", port), _Handler)
    except OSError as e:
        raise AistackError(f"cannot listen on 127.0.0.1:{port} for the login callback ({e.strerror or e}).",
                           hint="Free that port, or pick another with --redirect-port if your IdP allows it.") from None


def login(http: Http, meta: Metadata, client_id: str, scope: str, audience: str | None, *,
          port: int = 0, timeout: float = 300, show: Callable[[str, str], None],
          open_url: Callable[[str], bool]) -> tuple[dict[str, Any], str]:
    """Run the browser login; returns (token response, nonce). `show(url, redirect_uri)` tells the user."""
    if not meta.authorization_endpoint:
        raise AistackError(f"the IdP {meta.issuer} offers no authorization endpoint for a browser login.",
                           hint="Use `aistack login --device`.")
    if meta.code_challenge_methods and "S256" not in meta.code_challenge_methods:
        raise AistackError(f"the IdP {meta.issuer} does not support PKCE with S256, which aistack requires.",
                           hint="Ask your platform team to enable PKCE (S256) for the aistack client.")
    server = _listen(port)
    server.result, server.state = _Result(), secrets.token_urlsafe(24)
    server.timeout = 0.2
    redirect_uri = f"http://127.0.0.1:{server.server_address[1]}{CALLBACK_PATH}"
    verifier, challenge = pkce_pair()
    nonce = secrets.token_urlsafe(24)
    query = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "scope": scope,
             "state": server.state, "nonce": nonce, "code_challenge": challenge, "code_challenge_method": "S256"}
    if "offline_access" in scope.split():
        query["prompt"] = "consent"  # OIDC Core §11: offline_access is honoured only with a consent prompt
    if audience:
        query["audience"] = audience
    url = meta.authorization_endpoint + ("&" if "?" in meta.authorization_endpoint else "?") + urlencode(query)

    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set() and not server.result.done.is_set():
            server.handle_request()

    thread = threading.Thread(target=serve, name="aistack-callback", daemon=True)
    thread.start()
    try:
        show(url, redirect_uri)
        open_url(url)
        if not server.result.done.wait(timeout):
            raise AistackError(f"no answer from the browser within {timeout:.0f} s.",
                               hint="Run `aistack login` again, or use `aistack login --device` on a machine "
                                    "without a browser.")
    finally:
        stop.set()
        thread.join(2)
        server.server_close()
    params = server.result.params or {}
    if "error" in params:
        error = params["error"]
        if error == "access_denied":
            raise AistackError("the sign-in was denied at the IdP.",
                               hint="Run `aistack login` again and approve the request.")
        described = f"{error}: {params['error_description']}" if params.get("error_description") else error
        raise AistackError(f"the IdP returned an error to the login callback ({described}).",
                           hint="Check the client registration (redirect URI, grants) with your platform team.")
    if "iss" in params and params["iss"].rstrip("/") != meta.issuer:
        raise AistackError(f"the login callback came from issuer {params['iss']!r}, not {meta.issuer!r} "
                           "(RFC 9207 mix-up protection).", hint="Run `aistack login` again.")
    code = params.get("code")
    if not code:
        raise AistackError("the login callback carried no authorization code.", hint="Run `aistack login` again.")
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "client_id": client_id, "code_verifier": verifier}
    try:
        return token_request(http, meta.token_endpoint, form, "exchanging the authorization code"), nonce
    except TokenError as e:
        if e.error == "invalid_grant":
            raise AistackError("the IdP rejected the authorization code (expired, already used, or a PKCE "
                               "mismatch).", hint="Run `aistack login` again.") from None
        raise
