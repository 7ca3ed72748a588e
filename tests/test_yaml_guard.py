"""YAML a person (or an attacker, or a Windows tool) writes: refused before it expands, decoded as written.

``indicators/yaml_nodes.py`` is shared by evaluation files and rule files, so these tests go
through both doors: ``compose_documents`` directly and the evaluation loader.
"""

from __future__ import annotations

import signal
import tracemalloc

import pytest

from indicators.problems import PerfscoreError
from indicators.yaml_io import load_yaml_text
from indicators.yaml_nodes import EncodingError, MAX_ALIAS_NODES, compose_documents, decode_yaml_bytes

LAUGHS = "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n" + "".join(
    f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]\n" for p, c in zip("abcdefgh", "bcdefghi"))

HOSTILE = [
    ("billion-laughs", LAUGHS, "展开后超过"),
    ("recursive-alias", "x: &a [*a]\n", "递归别名"),
    ("recursive-mapping", "x: &a {y: *a}\n", "递归别名"),
    ("deep-flow", "x: " + "[" * 10000 + "]" * 10000 + "\n", "嵌套超过 100 层"),
    ("deep-flow-mapping", "x: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n", "嵌套超过 100 层"),
    ("deep-block", "".join(" " * i + "a:\n" for i in range(300)) + " " * 300 + "a: 1\n", "嵌套超过 100 层"),
]


@pytest.fixture
def bounded():
    """Fail instead of hanging or eating memory."""
    signal.signal(signal.SIGALRM, lambda *_: pytest.fail("reading took more than 10 s"))
    signal.alarm(10)
    tracemalloc.start()
    yield
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    signal.alarm(0)
    assert peak < 20 * 1024 * 1024, f"reading used {peak} bytes"


@pytest.mark.parametrize("text,fragment", [row[1:] for row in HOSTILE], ids=[row[0] for row in HOSTILE])
def test_hostile_structure_is_refused_before_expanding(bounded, text, fragment):
    documents, problems = compose_documents(text, "f.yaml")
    assert documents == [] and len(problems) == 1
    assert fragment in problems[0].message and problems[0].source.line is not None


@pytest.mark.parametrize("text,fragment", [row[1:] for row in HOSTILE], ids=[row[0] for row in HOSTILE])
def test_the_evaluation_loader_is_protected_too(bounded, text, fragment):
    result = load_yaml_text(text, "e.yaml")
    assert not result.evaluations and any(fragment in p.message for p in result.problems)


def test_ordinary_aliases_still_work():
    documents, problems = compose_documents("base: &b {weight: 10}\none: *b\ntwo: *b\n", "f.yaml")
    assert problems == [] and documents[0][0] == {"base": {"weight": "10"}, "one": {"weight": "10"},
                                                  "two": {"weight": "10"}}


def test_aliases_up_to_the_limit_are_accepted():
    items = ",".join(["x"] * 99)
    text = f"a: &a [{items}]\n" + "".join(f"k{i}: *a\n" for i in range(MAX_ALIAS_NODES // 100 - 1))
    documents, problems = compose_documents(text, "f.yaml")
    assert problems == [] and len(documents[0][0]) == MAX_ALIAS_NODES // 100


TEXT = "title: 乌海市医疗保障局\nkind: project\n"


@pytest.mark.parametrize("data,encoding,bom,note", [
    (TEXT.encode("utf-8"), "utf-8", False, ""),
    (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8", True, "BOM"),
    (TEXT.encode("gbk"), "gb18030", False, "GB18030"),
    (TEXT.encode("gb18030"), "gb18030", False, "GB18030"),
    (TEXT.encode("utf-16"), "utf-16", True, "UTF-16"),
], ids=["utf-8", "utf-8-bom", "gbk", "gb18030", "utf-16-bom"])
def test_decode_yaml_bytes(data, encoding, bom, note):
    decoded = decode_yaml_bytes(data)
    assert (decoded.text, decoded.encoding, decoded.bom) == (TEXT, encoding, bom)
    assert note in decoded.note and (decoded.note == "") is (note == "")


@pytest.mark.parametrize("data", [b"\x80\xff\x81", b"\xef\xbb\xbf\xff\xfe"], ids=["junk", "bom-then-junk"])
def test_undecodable_bytes_are_an_error(data):
    with pytest.raises(EncodingError) as caught:
        decode_yaml_bytes(data)
    assert isinstance(caught.value, PerfscoreError) and isinstance(caught.value, ValueError)
    assert "UTF-8" in str(caught.value)
