"""Hostile and broken input: bounded, isolated, a Chinese message with its place, never a crash, inputs untouched.

Each case runs perfscore in a subprocess under a 1 GiB address-space limit (a generous timeout only
guards against hangs; nothing here times anything) and checks the contract: exit 0 or 1, a Chinese
message naming the file and its line or cell, no traceback, the input's bytes unchanged, and — in a
batch — the other files still scored.
"""

from __future__ import annotations

import hashlib
import json
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, SAMPLES

U4 = SAMPLES / "u4-wuhai-2023-digital-reform.yaml"
ONE_GIB = 1024 ** 3


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ONE_GIB, ONE_GIB))


def bounded(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """``perfscore ARGS`` in a fresh process limited to 1 GiB of address space."""
    return subprocess.run([sys.executable, "-c", "from cli.main import main; main()", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300, preexec_fn=_limit,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_contract(done: subprocess.CompletedProcess, place: str) -> None:
    assert done.returncode in (0, 1), (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr and "内部错误" not in done.stderr, done.stderr[-2000:]
    assert place in done.stderr, done.stderr[-2000:]


def _u4_with(old: str, new: str) -> str:
    text = U4.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


YAML_CASES = {
    "weight-1e26": (_u4_with("  weight: 10\n", "  weight: 1" + "0" * 26 + "\n"), ":18: ", "数值过大"),
    "weight-1e308": (_u4_with("  weight: 10\n", "  weight: 1e308\n"), ":18: ", "应为数字"),
    "recorded-1e40": (_u4_with("    recorded: 10\n", "    recorded: 1e40\n"), ":55: ", "应为数字"),
    "budget-5e-324": (_u4_with("  budget: 25.00\n", "  budget: 5e-324\n"), ":20: ", "应为数字"),
    "lone-surrogate-title": (_u4_with("title: 医疗保障经办数字化改革及系统运行维护费",
                                      'title: "\\ud800"'), ":11: ", "无效的字符"),
}


@pytest.mark.parametrize("case", list(YAML_CASES), ids=list(YAML_CASES))
def test_bad_numbers_and_texts_are_a_message_at_their_line_and_the_batch_goes_on(tmp_path, case):
    text, place, words = YAML_CASES[case]
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    good = tmp_path / "good.yaml"
    shutil.copy(U4, good)
    before = digest(bad)
    scored = bounded("score", str(bad))
    assert scored.returncode == 1
    assert_contract(scored, f"{bad}{place}")
    assert words in scored.stderr
    batch = bounded("batch", str(tmp_path), "--format", "json", "-o", str(tmp_path / "summary.xlsx"))
    assert_contract(batch, f"{bad}{place}")
    document = json.loads(batch.stdout)
    assert [e["total"] for e in document["evaluations"]] == ["96.30"]  # the good file is scored
    assert (tmp_path / "summary.xlsx").exists()
    assert digest(bad) == before
