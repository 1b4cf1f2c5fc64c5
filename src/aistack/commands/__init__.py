"""One module per command: its typer signature, parsing that needs typer, and a call into the package that does
the work (imported when the command runs)."""
