"""How many examples the engine's property tests draw: a few hundred in the suite, as many as a nightly run
wants with AISTACK_FUZZ_EXAMPLES (e.g. `AISTACK_FUZZ_EXAMPLES=20000 .venv/bin/python -m pytest tests/engine`)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

SCALE = int(os.environ.get("AISTACK_FUZZ_EXAMPLES", "0") or 0)


def fuzz(examples: int) -> settings:
    """Settings for a property test drawing `examples` examples (or AISTACK_FUZZ_EXAMPLES when set)."""
    # No "explain" phase: on Python 3.11 it traces every line and turns a failure into minutes.
    return settings(max_examples=SCALE or examples, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
                    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink])
