"""What every command shares, defined once: the --org option."""

from __future__ import annotations

import typer

ORG_HELP = ("The org profile: a file (TOML or JSON) or the org's URL (https://ORG serves /.well-known/aistack). "
            "Default: the one last used.")

ORG = typer.Option(None, "--org", metavar="PATH|URL", help=ORG_HELP)
