"""Shared test helpers: Hypothesis profiles, an inline-YAML loader, golden files."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from indicators.model import Evaluation
from indicators.yaml_io import load_yaml_text

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
GOLDEN = Path(__file__).resolve().parent / "golden"

# Profiles (docs/testing.md):
# - ci (CI=true): derandomized and bounded, so a run is repeatable and fits the time limit. New
#   examples still reach CI through tests/test_exact.py::test_random_run, which runs the exact-score
#   properties on a fresh random seed and prints the seed (PERFSCORE_SEED=…) when one fails.
# - dev (default): random, 100 examples per property.
# - thorough (HYPOTHESIS_PROFILE=thorough): random, 10,000 examples per property, the blob to
#   reproduce a failure printed; meant for `pytest tests/test_exact.py` before a release.
settings.register_profile("ci", derandomize=True, max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("thorough", max_examples=10_000, deadline=None, print_blob=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the golden files in tests/golden/ from the current output")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def load_doc(text: str, file: str = "<inline>.yaml") -> Evaluation:
    """Load one evaluation from an inline YAML snippet; fail the test on any problem."""
    result = load_yaml_text(textwrap.dedent(text), file)
    assert not result.problems, [f"{p.source}: {p.message}" for p in result.problems]
    assert len(result.evaluations) == 1
    return result.evaluations[0]


def load_problems(text: str, file: str = "<inline>.yaml") -> list[str]:
    """Load an inline YAML snippet expected to be bad; return ``'line: message'`` strings."""
    result = load_yaml_text(textwrap.dedent(text), file)
    return [f"{p.source.line}: {p.message}" for p in result.problems]


def check_golden(name: str, text: str, update: bool) -> None:
    """Compare ``text`` with tests/golden/NAME; ``pytest --update-golden`` rewrites it (review the diff)."""
    path = GOLDEN / name
    if update:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"golden file {name} missing: run pytest --update-golden"
    assert text == path.read_text(encoding="utf-8")
