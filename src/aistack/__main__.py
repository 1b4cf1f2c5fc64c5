"""The console entry point (`aistack`, `python -m aistack`). Answers `--version`, and `aistack token` while a
cached token is valid, without importing the CLI framework; everything else goes to cli."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if args in (["--version"], ["-V"]):
        from aistack import __version__

        sys.stdout.write(f"aistack {__version__}\n")
        return 0
    if args[:1] == ["token"]:
        from aistack.auth.fast import main as fast_token

        code = fast_token(args[1:])
        if code is not None:
            return code
    from aistack.cli import run

    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
