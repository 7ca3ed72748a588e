"""Imports go one way — cli → scoring → indicators — and no project module imports itself back.

Every import is counted, including those inside functions (a lazy import still makes a
cycle; it only hides it until run time) and under ``if TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGES = ("indicators", "scoring", "cli")
#: Which packages each one may import (besides itself).
ALLOWED = {"indicators": set(), "scoring": {"indicators"}, "cli": {"scoring", "indicators"}}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules ``name`` imports (``from pkg import mod`` counts as importing ``pkg.mod``)."""
    is_package = path.name == "__init__.py"
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            bases = [alias.name for alias in node.names]
            names: list[str] = []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = name.split(".") if is_package else name.split(".")[:-1]
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            bases, names = [base], [alias.name for alias in node.names]
        else:
            continue
        for base in bases:
            for candidate in [f"{base}.{n}" for n in names] or [base]:
                if candidate in modules:
                    targets.add(candidate)
                elif base in modules:
                    targets.add(base)
                else:  # "import scoring.rules" names a module through its package
                    parts = candidate.split(".")
                    while parts and ".".join(parts) not in modules:
                        parts.pop()
                    if parts:
                        targets.add(".".join(parts))
    targets.discard(name)
    return targets


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def test_the_walk_sees_the_imports():
    graph = _graph()
    assert "scoring.rules" in graph["scoring.engine"]
    assert "scoring.ruleset_model" in graph["scoring.rules"]
    assert "indicators.numbers" in graph["scoring.formulas"]
    assert "scoring.verify" in graph["cli.rules"]  # imported inside a function


def test_no_import_cycle_among_project_modules():
    graph = _graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the stack, 2 done

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                cycles.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    assert cycles == [], "\n".join(" → ".join(cycle) for cycle in cycles)


def test_imports_go_one_way():
    wrong = [f"{name} imports {target}" for name, targets in _graph().items() for target in targets
             if target.split(".")[0] != name.split(".")[0]
             and target.split(".")[0] not in ALLOWED[name.split(".")[0]]]
    assert wrong == []


def test_no_module_of_the_web_page_is_over_300_lines():
    """The page stays small modules by responsibility (routes, workspaces, uploads, views, reviews, downloads)."""
    for path in sorted((ROOT / "cli" / "web").glob("*.py")):
        lines = path.read_text(encoding="utf-8").count("\n")
        assert lines <= 300, f"{path.relative_to(ROOT)} has {lines} lines: split it by responsibility"


def test_scoring_a_workbook_to_json_imports_no_yaml_nor_text_renderer():
    """Start-up is where an officer waits on every run (issue 21): a workbook scored to JSON needs
    neither PyYAML (the built-in rule set is the model's defaults) nor the text report's drawing."""
    import subprocess
    import sys

    code = ("import sys, io, contextlib\n"
            "from cli.main import main\n"
            "sys.argv = ['perfscore', 'score', 'samples/w1-wuhan-2023-department.xlsx', '--format', 'json']\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
            "    try:\n"
            "        main()\n"
            "    except SystemExit:\n"
            "        pass\n"
            "assert '\"total\"' in out.getvalue(), out.getvalue()[:200]\n"
            "print(sorted(name for name in ('yaml', 'cli.render', 'difflib') if name in sys.modules))\n")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
