"""Where an officer waits on the front ends, as ratios measured in one run (never a timing in a unit test).

  (a) start-up   `perfscore score W1.xlsx --format json` and `perfscore --help`, each a fresh process, against
                 `python -c` importing pydantic and defining one model            targets ≤ 1.5× and ≤ 1.2×
  (b) text       the text report of a 2,000-line table against its JSON report  target ≤ 2×
  (c) web view   viewing a 20-file workspace of the local page against serving its JSON   target ≤ 2×

Each figure is the median of several alternating rounds; the machine is shared, so only the ratios of
one run mean anything. Run from the repository root::

    python benchmarks/frontends.py [--rounds 9]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SAMPLES = ROOT / "samples"
FLOOR = "import pydantic\nclass M(pydantic.BaseModel):\n    x: int\n"


# An installed perfscore runs from compiled bytecode (pip writes it); a checkout run with
# PYTHONDONTWRITEBYTECODE set would compile every module from source on every start
# (~75 ms, as much again as the floor) and measure that instead of perfscore.
_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def _process(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=ROOT, env=_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def startup(rounds: int) -> dict[str, float]:
    cli = [sys.executable, "-m", "cli"]
    runs: dict[str, list[float]] = {"floor": [], "score": [], "help": []}
    _process([*cli, "score", str(SAMPLES / "w1-wuhan-2023-department.xlsx"), "--format", "json"])  # writes bytecode
    for _ in range(rounds):  # alternating, so a slow minute slows all three alike
        runs["floor"].append(_process([sys.executable, "-c", FLOOR]))
        runs["score"].append(_process([*cli, "score", str(SAMPLES / "w1-wuhan-2023-department.xlsx"),
                                       "--format", "json"]))
        runs["help"].append(_process([*cli, "--help"]))
    return {name: statistics.median(times) for name, times in runs.items()}


def big_table(lines: int = 2000):
    """One scored table of ``lines`` indicator lines (U4's lines repeated, names made distinct)."""
    from indicators.yaml_io import load_yaml_file
    from scoring.engine import score

    evaluation = load_yaml_file(SAMPLES / "u4-wuhai-2023-digital-reform.yaml").evaluations[0]
    base = list(evaluation.indicators)
    many = tuple(base[k % len(base)].model_copy(update={"name": f"{base[k % len(base)].name}{k}"})
                 for k in range(lines))
    return score(evaluation.model_copy(update={"indicators": many}))


def reports(rounds: int) -> dict[str, float]:
    import json

    from cli.render import render_text
    from scoring.reports.json_report import report_to_dict

    result = big_table()
    runs: dict[str, list[float]] = {"json": [], "text": []}
    for _ in range(rounds):
        start = time.perf_counter()
        json.dumps(report_to_dict([result], []), ensure_ascii=False, indent=2)
        runs["json"].append(time.perf_counter() - start)
        start = time.perf_counter()
        render_text([result], width=100, color=False)
        runs["text"].append(time.perf_counter() - start)
    return {name: statistics.median(times) for name, times in runs.items()}


def web(rounds: int) -> dict[str, float]:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from starlette.testclient import TestClient

    from cli.web.app import create_app
    from cli.web.settings import Settings
    from scoring.ruleset import get_ruleset

    client = TestClient(create_app(Settings(ruleset=get_ruleset("standard"), max_upload_bytes=100 * 1024 * 1024)),
                        base_url="http://127.0.0.1")
    samples = sorted(SAMPLES.glob("*.yaml")) + sorted(SAMPLES.glob("*.xlsx"))
    files = [("files", (f"{k}-{path.name}", path.read_bytes())) for k, path in enumerate((samples * 2)[:20])]
    url = client.post("/upload", files=files, follow_redirects=False).headers["location"].split("#")[0]
    client.get(url)  # the first view scores the workspace; what is measured is every view after it
    runs: dict[str, list[float]] = {"json": [], "view": []}
    for _ in range(rounds):
        start = time.perf_counter()
        client.get(url + "/score.json")
        runs["json"].append(time.perf_counter() - start)
        start = time.perf_counter()
        client.get(url)
        runs["view"].append(time.perf_counter() - start)
    return {name: statistics.median(times) for name, times in runs.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    times = startup(args.rounds)
    print(f"(a) start-up: floor {times['floor'] * 1000:.0f} ms, score {times['score'] * 1000:.0f} ms "
          f"({times['score'] / times['floor']:.2f}x, target <= 1.5x), --help {times['help'] * 1000:.0f} ms "
          f"({times['help'] / times['floor']:.2f}x, target <= 1.2x)")
    times = reports(args.rounds)
    print(f"(b) 2,000 lines: json {times['json'] * 1000:.0f} ms, text {times['text'] * 1000:.0f} ms "
          f"({times['text'] / times['json']:.2f}x, target <= 2x)")
    times = web(args.rounds)
    print(f"(c) 20-file workspace: json {times['json'] * 1000:.0f} ms, view {times['view'] * 1000:.0f} ms "
          f"({times['view'] / times['json']:.2f}x, target <= 2x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
