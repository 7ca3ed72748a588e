"""The documentation: the README stays a short guide, its quick start intact, and every page it points to exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indicators.terms import FIELD_TERMS

from .conftest import ROOT

README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, *DOCS]

#: The quick start, checked by CI word for word: install and score W1; install the test extras and run the suite.
QUICK_START = (
    "pip install . && perfscore score samples/w1-wuhan-2023-department.xlsx",
    'pip install ".[test]" && python -m pytest -q',
)

# [text](target) and ![alt](target); a target may carry a "title".
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def prose(path: Path) -> str:
    """The page without its code blocks (a link-like text in an example is not a link)."""
    return FENCE.sub("", text(path))


def links(path: Path) -> list[str]:
    return LINK.findall(prose(path))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped (CJK kept), spaces to hyphens."""
    words = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return words.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    return {slug(m.group(1)) for m in re.finditer(r"^#{1,6}\s+(.*?)\s*#*\s*$", prose(path), re.M)}


def test_readme_is_a_short_guide():
    size = len(README.read_bytes())
    assert size <= 12_000, f"README.md is {size:,} bytes; move reference material to docs/"


@pytest.mark.parametrize("command", QUICK_START)
def test_quick_start_commands_are_verbatim_each_in_its_own_bash_block(command):
    blocks = re.findall(r"^```bash\n(.*?)^```", text(README), re.S | re.M)
    assert f"{command}\n" in blocks


def test_ci_runs_the_readmes_test_command():
    lines = [line.strip() for line in text(ROOT / ".ci" / "run").splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    assert lines[-1] == QUICK_START[1]
    assert QUICK_START[1] in text(README)


@pytest.mark.parametrize("field", sorted(FIELD_TERMS))
def test_glossary_gives_every_field_with_its_term(field):
    rows = [line for line in text(ROOT / "docs" / "glossary.md").splitlines() if line.startswith("|")]
    cells = [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]
    matching = [row for row in cells if re.match(rf"`{re.escape(field)}`(?!\w)", row[0])]
    assert matching, f"`{field}` has no row in docs/glossary.md"
    assert any(FIELD_TERMS[field] in row[1:] for row in matching), \
        f"`{field}`: docs/glossary.md does not give its term “{FIELD_TERMS[field]}”"


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(ROOT).as_posix() for p in PAGES])
def test_links_to_repository_files_resolve(page):
    for target in links(page):
        if re.match(r"[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("#"):
            continue  # a web address or an anchor on the same page
        file, _, anchor = target.partition("#")
        resolved = (page.parent / file).resolve()
        assert resolved.exists(), f"{page.name}: link to {target} — no such file"
        assert resolved.is_relative_to(ROOT), f"{page.name}: link to {target} leaves the repository"
        if anchor and resolved.suffix == ".md":
            assert anchor in anchors(resolved), f"{page.name}: link to {target} — no such heading"


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(ROOT).as_posix() for p in PAGES])
def test_same_page_anchors_resolve(page):
    for target in links(page):
        if target.startswith("#"):
            assert target[1:] in anchors(page), f"{page.name}: link to {target} — no such heading"


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(ROOT).as_posix() for p in PAGES])
def test_no_page_cites_files_outside_the_repository(page):
    for name in ("scoring-rules.md", "seed-tables.md", "io-speed.md", "architecture.md", "shared/"):
        assert name not in text(page), f"{page.name} refers to {name}, which is not in the repository"


CODE = sorted(path for folder in ("indicators", "scoring", "cli", "perfscore", "scripts", "benchmarks", "tests")
              for path in (ROOT / folder).rglob("*.py") if path.name != "test_docs.py")


def test_no_source_file_cites_files_outside_the_repository():
    """Comments and docstrings cite docs/ (rules.md keeps the § numbers), never the project's private references."""
    for path in CODE:
        source = path.read_text(encoding="utf-8")
        for name in ("scoring-rules.md", "seed-tables.md", "io-speed.md", "architecture.md", "shared/reference"):
            assert name not in source, f"{path.relative_to(ROOT)} refers to {name}, which is not in the repository"


def test_readme_links_every_docs_page():
    linked = {(README.parent / target.partition("#")[0]).resolve() for target in links(README)}
    for page in DOCS:
        assert page.resolve() in linked, f"README.md does not link {page.relative_to(ROOT)}"


def test_the_web_page_is_shown_where_it_is_described():
    for page in (README, ROOT / "docs" / "commands.md"):
        assert any(target.endswith("web-screenshot.png") for target in links(page)), page.name
