"""Jinja2 rendering: the built-in template, or the org's (a path or an https URL) layered over it."""

from __future__ import annotations

from pathlib import Path

from aistack.errors import AistackError

BUILTIN = Path(__file__).resolve().parent.parent / "templates"
AGENTS_TEMPLATE = "AGENTS.md.j2"
CLAUDE_TEMPLATE = "CLAUDE.md.j2"


def _fetch(url: str) -> str:
    import httpx

    from aistack import wire

    try:  # redirects only within the URL's origin (the profile's, see profile.agents_template)
        with wire.client(httpx, timeout=15) as client:
            response = wire.fetch(client, "GET", url, within=30)
    except AistackError as e:
        raise AistackError(f"could not fetch the AGENTS.md template: {e.message}", hint=e.hint) from None
    except httpx.HTTPError as e:
        raise AistackError(f"could not fetch the AGENTS.md template {url}: {e.__class__.__name__}: {e}.",
                           hint="Check the org profile's [templates] agents_md and your network.") from None
    if response.status_code != 200:
        raise AistackError(f"could not fetch the AGENTS.md template {url}: HTTP {response.status_code}.",
                           hint="Check the org profile's [templates] agents_md with your platform team.")
    return response.text


def _inside(directory: Path):
    """A loader for the org template's own directory that will not follow a symbolic link out of it."""
    import jinja2

    class Inside(jinja2.FileSystemLoader):
        def get_source(self, environment, template):
            found = super().get_source(environment, template)
            if not Path(found[1]).resolve().is_relative_to(directory.resolve()):
                raise jinja2.TemplateNotFound(template)
            return found

    return Inside(directory)


class Renderer:
    """Compiles the templates once (a batch over thousands of repositories reuses them)."""

    def __init__(self, template: str | None = None, base: Path | None = None):
        import jinja2
        from jinja2.sandbox import SandboxedEnvironment

        loaders: list[jinja2.BaseLoader] = [jinja2.PrefixLoader({"aistack": jinja2.FileSystemLoader(BUILTIN)})]
        self.origin = "built-in"
        source: str | None = None
        if template and template.startswith(("https://", "http://")):
            source, self.origin = _fetch(template), template
        elif template:
            path = Path(template).expanduser()
            if not path.is_absolute() and base is not None:
                path = base / path
            try:
                source = path.read_text(encoding="utf-8-sig")
            except OSError as e:
                raise AistackError(f"the org's AGENTS.md template {path} cannot be read ({e.__class__.__name__}).",
                                   hint="Fix [templates] agents_md in the org profile.") from None
            self.origin = str(path)
            loaders.insert(0, _inside(path.parent))
        loaders.append(jinja2.FileSystemLoader(BUILTIN))
        # Sandboxed: an org template may come over the network; it gets data, not Python internals.
        self.env = SandboxedEnvironment(loader=jinja2.ChoiceLoader(loaders), undefined=jinja2.StrictUndefined,
                                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                                      autoescape=False)
        try:
            self.agents = (self.env.from_string(source) if source is not None
                           else self.env.get_template(AGENTS_TEMPLATE))
            self.claude = self.env.get_template(CLAUDE_TEMPLATE)
        except jinja2.TemplateError as e:
            raise AistackError(f"AGENTS.md template {self.origin}: {e.__class__.__name__}: {e}"
                               + (f" (line {e.lineno})" if getattr(e, "lineno", None) else "") + ".",
                               hint="Fix the template; nothing was written.") from None

    def render(self, variables: dict) -> str:
        return self._run(self.agents, variables)

    def render_claude(self) -> str:
        return self._run(self.claude, {})

    def _run(self, template, variables: dict) -> str:
        import jinja2

        try:
            text = template.render(**variables)
        except jinja2.TemplateError as e:
            raise AistackError(f"AGENTS.md template {self.origin}: {e.__class__.__name__}: {e}.",
                               hint="Fix the template; nothing was written.") from None
        # Collapse the blank runs that conditional sections leave behind.
        while "\n\n\n" in text:
            text = text.replace("\n\n\n", "\n\n")
        return text.lstrip("\n")
