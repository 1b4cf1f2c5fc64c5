"""Marker blocks: only the insides change; everything else is the team's, byte for byte."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aistack.repo import markers

team_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80).filter(
    lambda t: "aistack:" not in t)
line_end = st.sampled_from(["\n", "\r\n"])


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(team_text, min_size=3, max_size=3), old=st.lists(team_text, min_size=2, max_size=2),
       new=st.lists(team_text, min_size=2, max_size=2), nl=line_end)
def test_replace_changes_only_block_insides(parts, old, new, nl):
    parts = [p.replace("\r", "") for p in parts]
    # each marker on a line of its own: team text before a begin marker ends with a newline
    team = [p if p.endswith("\n") or not p else p + "\n" for p in parts[:2]] + [parts[2]]
    team = [p.replace("\n", nl) for p in team]
    doc = (team[0] + f"<!-- aistack:begin a -->{nl}" + markers.with_newlines(old[0], nl) + f"<!-- aistack:end a -->{nl}"
           + team[1] + f"<!-- aistack:begin b -->{nl}" + markers.with_newlines(old[1], nl) + f"<!-- aistack:end b -->{nl}"
           + team[2])
    if "aistack:" in "".join(old) or any(line.strip().startswith("<!--") for line in "".join(old).splitlines()):
        return
    out = markers.replace(doc, "t", {"a": new[0], "b": new[1]})
    blocks = markers.parse(out, "t")
    assert [b.name for b in blocks] == ["a", "b"]
    assert out[:blocks[0].start - len(f"<!-- aistack:begin a -->{nl}")] == team[0]
    assert out.endswith(f"<!-- aistack:end b -->{nl}" + team[2])
    assert out[blocks[0].start:blocks[0].end] == markers.with_newlines(new[0], markers.newline_of(doc))


def test_markers_tolerate_spacing_but_not_missing_names():
    text = "  <!--aistack:begin commands-->  \nx\n<!-- aistack:end   commands -->\n"
    assert markers.contents(text, "t") == {"commands": "x\n"}
    with pytest.raises(markers.MarkerError, match="line 1: malformed"):
        markers.parse("<!-- aistack:begin two words -->\n", "t")


def test_marker_text_inside_prose_is_not_a_marker():
    text = "We use `aistack:begin` markers.\n"
    assert markers.parse(text, "t") == []


def test_newline_style():
    assert markers.newline_of("a\r\nb\r\n") == "\r\n"
    assert markers.newline_of("a\nb\n") == "\n"
    assert markers.newline_of("") == "\n"
