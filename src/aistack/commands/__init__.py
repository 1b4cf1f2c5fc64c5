"""One module per command: typer signatures only; the work is imported when the command runs."""
