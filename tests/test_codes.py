"""The finding-code registry: every code emitted is registered, and docs/findings.md is its catalogue."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from scoring import codes, reasons
from scoring.codes import CODES, UnknownCode, finding
from scoring.results import Finding, Severity

from .conftest import ROOT

PACKAGES = ("indicators", "scoring", "cli")
#: Calls that make a finding from a literal code: the registry's helper and checks.py's thin wrapper.
MAKERS = {"finding", "_finding"}


def _sources() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.py"))


def _emitted() -> list[tuple[str, str, int]]:
    """(code, file, line) of every finding code written as a literal in a call that makes one."""
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            literal = None
            if name in MAKERS and node.args and isinstance(node.args[0], ast.Constant):
                literal = node.args[0].value
            for keyword in node.keywords:
                if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                    literal = keyword.value.value
            if isinstance(literal, str):
                found.append((literal, str(path.relative_to(ROOT)), node.lineno))
    return found


def test_every_code_written_in_the_source_is_registered():
    emitted = _emitted()
    assert len(emitted) > 30  # the walk sees the engine's and the checks' calls
    unknown = [(code, where, line) for code, where, line in emitted if code not in CODES]
    assert not unknown, unknown


def test_findings_are_made_only_through_the_registry():
    """No module builds a Finding itself: codes.finding() is the one door (an unknown code cannot pass)."""
    direct = []
    for path in _sources():
        if path.name == "codes.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Finding":
                direct.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert direct == []


def test_registered_codes_are_what_the_checks_and_engine_declare():
    from scoring.checks import DOCUMENT_CHECKS, ENGINE_CODES, TABLE_CHECKS

    assert set(TABLE_CHECKS) | set(DOCUMENT_CHECKS) | {"check_failed"} == {
        code for code, entry in CODES.items() if entry.layer == "check"}
    assert "formula_failed" in ENGINE_CODES and "total_capped" in ENGINE_CODES and "rule_failed" in ENGINE_CODES
    assert {code for code, entry in CODES.items() if entry.layer == "pipeline"} == {"table_failed"}
    for entry in CODES.values():
        assert entry.meaning and any("\u4e00" <= ch <= "\u9fff" for ch in entry.meaning), entry


@pytest.mark.parametrize("code,severity,fragment", [
    ("no_such_code", None, "未登记的发现代码“no_such_code”"),
    ("rescale", None, "是否想用“rescaled”"),
    ("weight_missing", Severity.INFO, "没有“提示”级别"),
], ids=["unknown", "did-you-mean", "undeclared-severity"])
def test_finding_refuses_what_is_not_registered(code, severity, fragment):
    with pytest.raises(UnknownCode) as caught:
        finding(code, "消息", severity=severity)
    assert fragment in str(caught.value)
    assert isinstance(caught.value, KeyError)


def test_finding_takes_the_registered_severity():
    made = finding("total_differs", "消息")
    assert isinstance(made, Finding) and made.severity is Severity.WARNING
    assert finding("total_differs", "消息", severity=Severity.INFO).severity is Severity.INFO


@pytest.mark.parametrize("name,render", [("findings.md", codes.catalogue), ("wording.md", reasons.catalogue)],
                         ids=["findings", "wording"])
def test_generated_docs_match_the_registries(name, render, update_golden):
    """docs/findings.md and docs/wording.md are generated; `pytest --update-golden` rewrites them."""
    path = ROOT / "docs" / name
    text = render()
    if update_golden:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"docs/{name} missing: run pytest --update-golden"
    assert path.read_text(encoding="utf-8") == text, f"docs/{name} is stale: run pytest --update-golden"
