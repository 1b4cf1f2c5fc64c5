"""A check's outcome, and the state the checks share (profile, token) as they run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aistack.paths import Env
from aistack.profile import Profile

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"
STATUSES = (OK, WARN, FAIL, SKIP)
SCHEMA = "aistack.doctor/v1"


@dataclass
class Result:
    id: str  # stable, for scripts: "profile", "gateway", "mcp:NAME", "assistant:NAME", ...
    title: str
    status: str
    detail: str
    fix: str = ""
    seconds: float = 0.0
    data: dict | None = None  # structured detail for --json and the report (an assistant's layers)

    def to_json(self) -> dict:
        out: dict[str, Any] = {"id": self.id, "title": self.title, "status": self.status, "detail": self.detail,
               "fix": self.fix or None, "seconds": round(self.seconds, 3)}
        if self.data is not None:
            out["data"] = self.data
        return out


def one_line(text: str) -> str:
    return " ".join(str(text).split())


@dataclass
class State:
    """What earlier checks learned and later ones use."""

    env: Env
    org: str | None = None
    profile: Profile | None = None
    token: str | None = None
    token_problem: str = ""  # why there is no token, for the checks that need one
    timeout: float = 10.0  # seconds, for each network check
    offline: bool = False  # check only what is on this machine: nothing is fetched, refreshed or connected to
    notes: dict = field(default_factory=dict)

    @property
    def org_profile(self) -> Profile:
        """The profile, for the checks that run only once one was read (doctor stops before them otherwise)."""
        if self.profile is None:
            raise AssertionError("a check that needs the org profile ran without one")
        return self.profile
