"""A file's bytes as the documents see them: BOM set aside, newline style detected, bad UTF-8 located."""

from __future__ import annotations

import codecs

import pytest

from aistack.engine.document import ParseError, parse
from aistack.engine.text import join, split


@pytest.mark.parametrize("data, bom, newline, text", [
    (b"", False, "\n", ""),
    (codecs.BOM_UTF8 + b'{\r\n  "a": 1\r\n}\r\n', True, "\r\n", '{\r\n  "a": 1\r\n}\r\n'),
    ('{"é": 1}\n'.encode(), False, "\n", '{"é": 1}\n'),
    (b"a = 1\nb = 2\r\n", False, "\n", "a = 1\nb = 2\r\n"),
])
def test_split_and_join_give_back_the_bytes(data, bom, newline, text):
    got = split(data)
    assert (got.bom, got.newline, got.text) == (bom, newline, text)
    assert join(got.bom, got.text) == data
    assert got.encode() == data


def test_a_bom_file_is_edited_and_written_back_with_its_bom():
    got = split(codecs.BOM_UTF8 + b'// c\r\n{\r\n  "a": 1\r\n}\r\n')
    doc = parse("jsonc", got.text)
    doc.set(("b",), 2)
    assert got.encode(doc.dump()) == codecs.BOM_UTF8 + b'// c\r\n{\r\n  "a": 1,\r\n  "b": 2\r\n}\r\n'


def test_bytes_that_are_not_utf8_are_a_parse_error_at_the_bad_byte():
    with pytest.raises(ParseError) as info:
        split(b'{\n  "a": "\xff"\n}')
    assert (info.value.message, info.value.line, info.value.column) == ("not valid UTF-8", 2, 9)
    with pytest.raises(ParseError) as info:
        split(codecs.BOM_UTF8 + b"ab\xc3")
    assert (info.value.line, info.value.column) == (1, 6)
