"""Console entry point. Answers `--version` without importing the CLI framework; everything else goes to cli."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if args in (["--version"], ["-V"]):
        from aistack import __version__

        sys.stdout.write(f"aistack {__version__}\n")
        return 0
    from aistack.cli import run

    return run(args)
