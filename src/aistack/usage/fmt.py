"""Number, money, duration and sparkline formatting shared by the table and the plain-text report."""

from __future__ import annotations

from datetime import datetime, timedelta

from aistack.usage.model import Usage

SPARKS = "▁▂▃▄▅▆▇█"


def tokens(n: int) -> str:
    return f"{n:,}"


def short(n: int) -> str:
    """1234567 -> 1.23M, for the compact layout."""
    for size, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if n >= size:
            value = n / size
            return f"{value:.3g}{suffix}" if value < 1000 else f"{value:,.0f}{suffix}"
    return str(n)


def money(value: float) -> str:
    """$ to 2 decimals; more below a cent, so small spend never reads as $0.00."""
    if 0 < abs(value) < 0.01:
        return f"${value:.4f}"
    return f"${value:,.2f}"


def cost(u: Usage) -> str:
    """n/a when the gateway gave no cost; ≥ when part of it is unpriced."""
    if u.cost is None:
        return "n/a"
    return ("≥" if not u.cost_complete else "") + money(u.cost)


def share(part: Usage, whole: Usage) -> str:
    if part.cost is None or not whole.cost:
        return "n/a"
    return f"{100 * part.cost / whole.cost:.1f}%"


def countdown(when: datetime, now: datetime) -> str:
    left = when - now
    if left <= timedelta(0):
        return "due now"
    minutes = int(left.total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {mins}m"
    return f"{mins}m"


def sparkline(values: list[float]) -> str:
    """One character per value; '·' marks zero so a quiet day never looks like a small one."""
    top = max(values, default=0)
    if top <= 0:
        return "·" * len(values)
    out = []
    for v in values:
        if v <= 0:
            out.append("·")
        else:
            out.append(SPARKS[min(len(SPARKS) - 1, int(v / top * (len(SPARKS) - 1) + 0.5))])
    return "".join(out)


def bar(fraction: float, width: int, full: str = "█", empty: str = "░") -> str:
    filled = max(0, min(width, round(fraction * width)))
    return full * filled + empty * (width - filled)
