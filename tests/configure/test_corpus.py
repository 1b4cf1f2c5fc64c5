"""Real config files from public dotfiles repositories (tests/corpus/dotfiles/SOURCES names each one's origin),
each where its assistant reads it: setup, setup again, --force, --remove. Every byte outside aistack's
entries is kept, a second run changes nothing, and --remove after --force gives back the file as it was (as
it is in the repository, and with CRLF line endings)."""

from pathlib import Path

import pytest

from support import EXAMPLE_ORG

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "dotfiles"
ORG = str(EXAMPLE_ORG)


def entries() -> list[tuple[str, str, str]]:
    out = []
    for line in (CORPUS / "SOURCES").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, target, *_ = (part.strip() for part in line.split(" | "))
        assistant, key = target.split(":")
        out.append((name, assistant, key))
    return out


def test_the_corpus_is_large_and_every_file_has_a_source():
    listed = {name for name, _, _ in entries()}
    present = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.is_file() and p.name != "SOURCES"}
    assert listed == present
    assert len(listed) >= 50
    assert len({assistant for _, assistant, _ in entries()}) >= 10


def destination(assistant: str, key: str, name: str) -> Path:
    from aistack.assistants import registry
    from aistack.paths import Env

    path = Path(registry.get(assistant).files(Env.current())[key].path)
    if name.endswith(".jsonc") and path.suffix == ".json":  # OpenCode and Amp read a .jsonc first
        path = path.with_suffix(".jsonc")
    return path


@pytest.mark.parametrize("crlf", [False, True], ids=["as-is", "crlf"])
@pytest.mark.parametrize("name, assistant, key", entries(), ids=[e[0] for e in entries()])
def test_setup_twice_force_remove_keeps_the_bytes(cli, fake_home, name, assistant, key, crlf):
    raw = (CORPUS / name).read_bytes()
    if crlf:
        raw = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    path = destination(assistant, key, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)

    code, _, err = cli("setup", assistant, "--org", ORG)
    assert f"{path}: error" not in err, err
    assert code == 0 or "conflict" in err, err
    first = path.read_bytes()
    assert first != raw or "conflict" in err or "already there" in err, "the servers went in"
    code, _, err = cli("setup", assistant)
    assert path.read_bytes() == first, "a second run changes nothing"
    code, _, err = cli("setup", assistant, "--force")
    assert code == 0, err
    if crlf:
        assert b"\n" not in path.read_bytes().replace(b"\r\n", b""), "no bare LF in a CRLF file"
    code, _, err = cli("setup", assistant, "--remove")
    assert code == 0, err
    assert path.read_bytes() == raw
