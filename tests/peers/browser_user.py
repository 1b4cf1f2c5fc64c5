"""A scripted user in a browser: run as $BROWSER with the URL aistack opens.

It walks oidc-provider's own pages over HTTP (device code confirmation, login, consent), keeping cookies
and following redirects, including the final one to aistack's loopback callback. Environment:
AISTACK_TEST_USER_ACTION = approve (default) | deny | ignore; AISTACK_TEST_USER_LOGIN = account id;
AISTACK_TEST_BROWSER_LOG = a file that records each step (URLs without query strings) for the test.
"""

from __future__ import annotations

import os
import sys
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx


class Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._current: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._current = {"action": a.get("action", ""), "id": a.get("id"), "inputs": {}}
            self.forms.append(self._current)
        elif tag == "input" and a.get("name"):
            form = self._current
            if a.get("form"):
                form = next((f for f in self.forms if f["id"] == a["form"]), form)
            if form is not None:
                form["inputs"][a["name"]] = a.get("value") or ""
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def log(text: str) -> None:
    path = os.environ.get("AISTACK_TEST_BROWSER_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text + "\n")


def main(url: str) -> int:
    action = os.environ.get("AISTACK_TEST_USER_ACTION", "approve")
    login = os.environ.get("AISTACK_TEST_USER_LOGIN", "alice")
    log(f"open {urlsplit(url).path}")
    if action == "ignore":
        return 0
    client = httpx.Client(follow_redirects=False, timeout=10)
    method, data = "GET", None
    for _ in range(30):
        response = client.request(method, url, data=data)
        log(f"{method} {urlsplit(url).path} -> {response.status_code}")
        if response.is_redirect:
            url, method, data = urljoin(url, response.headers["location"]), "GET", None
            continue
        page = Forms()
        page.feed(response.text)
        form = page.forms[0] if page.forms else None
        if form is None:
            log("done")
            return 0
        fields = dict(form["inputs"])
        if action == "deny":
            abort = next((link for link in page.links if "/abort" in link), None)
            if "confirm" in fields:
                fields["abort"] = "yes"
            elif abort:
                url, method, data = urljoin(url, abort), "GET", None
                continue
        if fields.get("prompt") == "login":
            fields.update(login=login, password="any")
        url, method, data = urljoin(url, form["action"]), "POST", fields
    log("gave up")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
