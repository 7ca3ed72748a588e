"""A reviewer's decisions (复核决定) on findings, kept in a plain YAML file that lasts across runs.

A reviewer marks a finding 已核实 (accepted: it is right and has been dealt with) or 不采纳
(dismissed: it does not hold for this table), with a reason, and may write a 复核意见 on each
table. ``check`` and ``batch`` read the decisions with ``--decisions FILE``; the web page keeps
the same entries in its state file and downloads them as the same YAML. The schema is in
docs/decisions.md::

    tables:
      - title: 2023年度某项目支出绩效自评表     # the table's identity: title, unit, year
        unit: 某单位
        year: 2023
        opinion: 复核意见（可不写）
        findings:
          - code: subtotal_mismatch             # the finding: its code,
            line: 社会效益指标(30分)             # its line (name; index only breaks ties)
            index: 8
            values: [社会效益指标(30分), "25", "10 + 15", "5"]   # the values it cites
            verdict: 不采纳                      # 已核实 / 不采纳 (accepted / dismissed); empty: not decided
            reason: 该小计为表样印错，已与单位核实

A decision is keyed by the table's identity, the finding's code and line and the **values the
finding cites** (:func:`cited_values`: the quoted texts and numbers of its message). While they
are the same, the decision holds on every re-run: the finding is shown as decided and does not
count towards the exit code. When a value changes (the cell was edited), the decision *lapses*:
the finding counts again and the lapse is said, so a reviewer never signs off a number they did
not see. A decision naming an unknown code, or a finding its table no longer has, is a problem
at its line of the file (exit 1), never ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import yaml

from indicators.problems import PerfscoreError, Problem, Source, did_you_mean
from indicators.yaml_nodes import EncodingError, LineMap, compose_documents, decode_yaml_bytes

from .codes import CODES
from .results import Decision, EvaluationResult, Finding, Severity, Verdict

__all__ = ["DecisionsError", "TableRef", "Entry", "Opinion", "Decisions", "Outcome", "VERDICT_WORDS",
           "cited_values", "read_decisions", "parse_decisions", "apply_decisions", "decisions_yaml", "table_ref",
           "entry_key", "opinion_key", "entry_data", "template_block", "dump_template"]

#: What a verdict may be written as.
VERDICT_WORDS = {"已核实": Verdict.ACCEPTED, "accepted": Verdict.ACCEPTED, "accept": Verdict.ACCEPTED,
                 "不采纳": Verdict.DISMISSED, "dismissed": Verdict.DISMISSED, "dismiss": Verdict.DISMISSED}

_TABLE_KEYS = {"title", "unit", "year", "opinion", "findings"}
_FINDING_KEYS = {"code", "line", "index", "values", "message", "severity", "verdict", "reason"}
#: A quoted text (“…”) of a message, or a number outside quotes.
_CITED = re.compile(r"“([^”]*)”|(\d[\d,]*(?:\.\d+)?)")


class DecisionsError(PerfscoreError):
    """A decisions file that cannot be used: every mistake as a problem at its line."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("；".join(f"{p.source}: {p.message}" for p in problems))
        self.problems = problems


def cited_values(message: str) -> tuple[str, ...]:
    """The values a finding's message cites, in order: each quoted text whole, and each number outside quotes.

    ``声明“社会效益指标(30分)”，其下各行分值合计25分（10 + 15），相差5分`` →
    ``('社会效益指标(30分)', '25', '10', '15', '5')``. Thousands separators are dropped (``4,342.35`` → ``4342.35``).
    """
    values = []
    for quoted, number in _CITED.findall(message):
        values.append(quoted if number == "" else number.replace(",", ""))
    return tuple(values)


def _key(text: str | None) -> str:
    return " ".join((text or "").split())


def _same(a: str | None, b: str | None) -> bool:
    return _key(a) == _key(b)


@dataclass(frozen=True)
class TableRef:
    """Which table a decision is about: its title, and its unit and year when given."""

    title: str
    unit: str | None = None
    year: int | None = None

    def matches(self, result: EvaluationResult) -> bool:
        return (_same(self.title, result.title) and (self.unit is None or _same(self.unit, result.unit))
                and (self.year is None or self.year == result.year))

    def __str__(self) -> str:
        extra = "，".join(part for part in (self.unit, f"{self.year}年度" if self.year else None) if part)
        return f"“{self.title}”" + (f"（{extra}）" if extra else "")


def table_ref(result: EvaluationResult) -> TableRef:
    return TableRef(result.title, result.unit, result.year)


@dataclass(frozen=True)
class Entry:
    """One decision on one finding, as written in the file."""

    table: TableRef
    code: str
    line: str | None
    index: int | None
    values: tuple[str, ...] | None
    verdict: Verdict
    reason: str
    source: Source
    #: Position of its table's block in the file (for "table not in this run").
    block: int = 0


@dataclass(frozen=True)
class Opinion:
    """A 复核意见 on one table."""

    table: TableRef
    text: str
    source: Source
    block: int = 0


@dataclass
class Decisions:
    """A decisions file as read: the decisions and the opinions, each with its place in the file."""

    file: str
    entries: list[Entry] = field(default_factory=list)
    opinions: list[Opinion] = field(default_factory=list)
    #: Each table block's reference and line, in file order.
    blocks: list[tuple[TableRef, Source]] = field(default_factory=list)

    def for_title(self, title: str) -> tuple[list[int], list[Entry], list[Opinion]]:
        """The blocks, decisions and opinions whose table has this title (a year's file may hold thousands)."""
        index = self.__dict__.get("_by_title")
        if index is None:
            index = {}
            for k, (ref, _) in enumerate(self.blocks):
                index.setdefault(_key(ref.title), ([], [], []))[0].append(k)
            for entry in self.entries:
                index.setdefault(_key(entry.table.title), ([], [], []))[1].append(entry)
            for opinion in self.opinions:
                index.setdefault(_key(opinion.table.title), ([], [], []))[2].append(opinion)
            self.__dict__["_by_title"] = index
        return index.get(_key(title), ([], [], []))


@dataclass
class Outcome:
    """What applying decisions to a run gave besides the results."""

    #: Decisions that name a finding their table does not have (exit 1).
    problems: list[Problem] = field(default_factory=list)
    #: Decisions that lapsed (the values changed): the finding counts again.
    notices: list[Problem] = field(default_factory=list)
    #: Blocks of the file whose table was in the run.
    matched_blocks: set[int] = field(default_factory=set)
    applied: int = 0

    def unmatched(self, decisions: Decisions) -> list[Problem]:
        """A notice for each table of the file that was not in the run."""
        return [Problem(source=source, message=f"复核决定所说的表{ref}不在本次检查的文件中，其中的决定未使用")
                for k, (ref, source) in enumerate(decisions.blocks) if k not in self.matched_blocks]


# --- reading -------------------------------------------------------------------------------------


def read_decisions(path: str | Path) -> Decisions:
    """Read a decisions file.

    Raises:
        DecisionsError: the file cannot be read, is no YAML, or has mistakes (each at its line).
    """
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise DecisionsError([Problem(source=Source(file=name), message="复核决定文件不存在")]) from None
    except OSError as exc:
        raise DecisionsError([Problem(source=Source(file=name), message=f"无法读取复核决定文件：{exc.strerror or exc}")]) from None
    try:
        text = decode_yaml_bytes(data).text
    except EncodingError as exc:
        raise DecisionsError([Problem(source=Source(file=name), message=str(exc))]) from None
    return parse_decisions(text, name)


def parse_decisions(text: str, file: str) -> Decisions:
    """A decisions file's text read (see the module for the schema).

    Raises:
        DecisionsError: every mistake, each at its line.
    """
    documents, problems = compose_documents(text, file)
    if problems:
        raise DecisionsError(problems)
    decisions = Decisions(file=file)
    if not documents:
        return decisions  # an empty file decides nothing
    if len(documents) > 1:
        raise DecisionsError([Problem(source=Source(file=file), message="复核决定文件只能有一个 YAML 文档（不要用 ---）")])
    data, lines = documents[0]
    found: list[Problem] = []

    def at(path: tuple, message: str) -> None:
        found.append(Problem(source=Source(file=file, line=lines.line_of(path)), message=message))

    if not isinstance(data, dict) or "tables" not in data:
        at((), "复核决定文件应以 tables: 开头，下面逐表列出决定（见 docs/decisions.md）")
        raise DecisionsError(found)
    for key in data:
        if key != "tables":
            at((key,), f"不认识的字段“{key}”{did_you_mean(key, ['tables'])}")
    tables = data["tables"]
    if tables is None:
        tables = []
    if not isinstance(tables, list):
        at(("tables",), "tables 应为列表：每项是一张表（title、unit、year、opinion、findings）")
        raise DecisionsError(found)
    for k, block in enumerate(tables):
        _read_block(decisions, block, ("tables", k), k, lines, at)
    if found:
        raise DecisionsError(found)
    return decisions


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    return None


def _read_block(decisions: Decisions, block: Any, path: tuple, k: int, lines: LineMap, at: Any) -> None:
    file = decisions.file
    if not isinstance(block, dict):
        at(path, "tables 的每一项应为一张表：title、unit、year、opinion、findings")
        return
    for key in block:
        if key not in _TABLE_KEYS:
            at(path + (key,), f"不认识的字段“{key}”{did_you_mean(key, _TABLE_KEYS)}")
    title = _text(block.get("title"))
    if title is None:
        at(path, "缺少 title（表名，与自评表上的表名相同）")
        return
    year = block.get("year")
    if year is not None:
        try:
            year = int(str(year).strip())
        except ValueError:
            at(path + ("year",), f"year 应为年度（如 2023），实际为“{year}”")
            return
    unit = block.get("unit")
    if unit is not None and not isinstance(unit, str):
        at(path + ("unit",), "unit 应为单位名称（文字）")
        return
    ref = TableRef(title, _text(unit), year)
    decisions.blocks.append((ref, Source(file=file, line=lines.line_of(path))))
    opinion = block.get("opinion")
    if opinion is not None:
        if not isinstance(opinion, str):
            at(path + ("opinion",), "opinion（复核意见）应为文字")
        elif opinion.strip():
            decisions.opinions.append(Opinion(ref, opinion.strip(), Source(file=file, line=lines.line_of(path + ("opinion",))),
                                              len(decisions.blocks) - 1))
    items = block.get("findings") or []
    if not isinstance(items, list):
        at(path + ("findings",), "findings 应为列表：每项是对一条发现的决定")
        return
    for j, item in enumerate(items):
        entry = _read_entry(item, path + ("findings", j), ref, len(decisions.blocks) - 1, file, lines, at)
        if entry is not None:
            decisions.entries.append(entry)


def _read_entry(item: Any, path: tuple, ref: TableRef, block: int, file: str, lines: LineMap,
                at: Any) -> Entry | None:
    if not isinstance(item, dict):
        at(path, "findings 的每一项应为对一条发现的决定：code、line、values、verdict、reason")
        return None
    bad = False
    for key in item:
        if key not in _FINDING_KEYS:
            at(path + (key,), f"不认识的字段“{key}”{did_you_mean(key, _FINDING_KEYS)}")
            bad = True
    verdict_text = _text(item.get("verdict"))
    code = _text(item.get("code"))
    if code is None:
        at(path, "缺少 code（发现的代码，见 docs/findings.md）")
        return None
    if code not in CODES:
        at(path + ("code",), f"不认识的发现代码“{code}”{did_you_mean(code, CODES)}（代码见 docs/findings.md）")
        return None
    if verdict_text is None:
        return None  # listed by a template, not decided yet
    verdict = VERDICT_WORDS.get(verdict_text)
    if verdict is None:
        at(path + ("verdict",), f"verdict 应为 已核实 或 不采纳（accepted / dismissed），实际为“{verdict_text}”")
        return None
    reason = _text(item.get("reason"))
    if reason is None:
        at(path + ("reason",) if "reason" in item else path, f"{verdict.chinese}须写明理由（reason）")
        return None
    index = item.get("index")
    if index is not None:
        try:
            index = int(str(index).strip())
        except ValueError:
            at(path + ("index",), f"index 应为行的序号（整数），实际为“{index}”")
            return None
    values = item.get("values")
    if values is not None:
        if not isinstance(values, list) or not all(isinstance(v, str) or v is None for v in values):
            at(path + ("values",), "values 应为列表，列出发现所引的数值（由 --decisions-template 写出）")
            return None
        values = tuple("" if v is None else v for v in values)
    line = item.get("line")
    if line is not None and not isinstance(line, str):
        at(path + ("line",), "line 应为指标名（文字）")
        return None
    if bad:
        return None
    return Entry(ref, code, _text(line), index, values, verdict, reason,
                 Source(file=file, line=lines.line_of(path)), block)


# --- applying ------------------------------------------------------------------------------------


def _decision(entry: Entry, lapsed: bool = False) -> Decision:
    return Decision(verdict=entry.verdict, reason=entry.reason, values=entry.values, lapsed=lapsed,
                    source=entry.source)


def _pick(candidates: list[int], findings: Sequence[Finding], index: int | None) -> int:
    for k in candidates:
        if findings[k].index == index:
            return k
    return candidates[0]


def _shown(values: Iterable[str]) -> str:
    return "、".join(values) or "（无）"


def apply_decisions(results: Sequence[EvaluationResult], decisions: Decisions | None,
                    ) -> tuple[list[EvaluationResult], Outcome]:
    """Each result with the decisions on its findings attached (and its 复核意见), and the outcome.

    A decision holds on the finding of its table with the same code and line whose cited values are
    the ones written (any values when the entry gives none); when only the values differ, the
    decision is attached as lapsed and a notice says which values changed; when the table has no
    such finding at all, that is a problem of the decisions file.
    """
    outcome = Outcome()
    if decisions is None:
        return list(results), outcome
    updated = []
    for result in results:
        findings = list(result.findings)
        taken: dict[int, Entry] = {}
        opinion = result.opinion
        blocks, entries, opinions = decisions.for_title(result.title)
        for entry_opinion in opinions:
            if entry_opinion.table.matches(result):
                opinion = entry_opinion.text
        for k in blocks:
            if decisions.blocks[k][0].matches(result):
                outcome.matched_blocks.add(k)
        for entry in entries:
            if not entry.table.matches(result):
                continue
            same = [k for k, f in enumerate(findings) if k not in taken and f.code == entry.code
                    and _same(f.line, entry.line)]
            holding = [k for k in same if entry.values is None or cited_values(findings[k].message) == entry.values]
            if holding:
                k = _pick(holding, findings, entry.index)
                findings[k] = findings[k].model_copy(update={"decision": _decision(entry)})
                taken[k] = entry
                outcome.applied += 1
            elif same:
                k = _pick(same, findings, entry.index)
                now = cited_values(findings[k].message)
                findings[k] = findings[k].model_copy(update={"decision": _decision(entry, lapsed=True)})
                taken[k] = entry
                outcome.notices.append(Problem(source=entry.source, message=(
                    f"对表{entry.table}“{entry.line or '全表'}”的 {entry.code} 的复核决定（{entry.verdict.chinese}）已失效："
                    f"这条发现所引的数值已变（原为 {_shown(entry.values or ())}，现为 {_shown(now)}），请重新复核")))
            elif any(f.code == entry.code and _same(f.line, entry.line) for f in findings):
                first = next(taken[k] for k, f in enumerate(findings)
                             if k in taken and f.code == entry.code and _same(f.line, entry.line))
                outcome.problems.append(Problem(source=entry.source, message=(
                    f"重复的决定：表{entry.table}的这条发现（{entry.code}，{entry.line or '全表'}）已由"
                    f"{first.source}的决定处理，请删去其中一条")))
            else:
                outcome.problems.append(Problem(source=entry.source, message=(
                    f"表{entry.table}中找不到这条发现（{entry.code}，{entry.line or '全表'}）：代码或指标名写错了，"
                    f"或表已改正、这条发现不再出现——请改正或删去这条决定")))
        if taken or opinion != result.opinion:
            result = result.model_copy(update={"findings": tuple(findings), "opinion": opinion})
        updated.append(result)
    return updated, outcome


# --- writing -------------------------------------------------------------------------------------


def entry_key(result: EvaluationResult, finding: Finding) -> str:
    """A stable key of a finding's decision (the web page's store): table identity, code, line and index."""
    return "|".join(str(part) for part in (result.title, result.unit or "", result.year or "", finding.code,
                                            finding.line or "", finding.index if finding.index is not None else ""))


def opinion_key(result: EvaluationResult) -> str:
    return "|".join(str(part) for part in (result.title, result.unit or "", result.year or "", "@opinion"))


def entry_data(result: EvaluationResult, finding: Finding, verdict: Verdict | None, reason: str | None
               ) -> dict[str, Any]:
    """A finding's entry as the file writes it (``verdict`` None: listed, not decided)."""
    data: dict[str, Any] = {"code": finding.code}
    if finding.line is not None:
        data["line"] = finding.line
    if finding.index is not None:
        data["index"] = finding.index
    data["values"] = list(cited_values(finding.message))
    data["severity"] = finding.severity.chinese
    data["message"] = finding.message
    data["verdict"] = verdict.chinese if verdict else None
    data["reason"] = reason
    return data


def template_block(item: dict[str, Any], minimum: Severity = Severity.INFO) -> dict[str, Any]:
    """One table of a decisions file, from the table's JSON contract item (``evaluations[]``): its identity,
    its 复核意见 and its findings at or above ``minimum``.

    Findings already decided carry that decision, so a template made with ``--decisions`` keeps what was
    decided; the others (and those whose decision lapsed, which say so in ``reason``) have an empty verdict.
    """
    block: dict[str, Any] = {"title": item["title"]}
    for name in ("unit", "year"):
        if item.get(name) is not None:
            block[name] = item[name]
    block["opinion"] = item.get("opinion")
    entries = []
    for finding in item["findings"]:
        decision = finding.get("decision")
        if Severity(finding["severity"]).rank > minimum.rank and decision is None:
            continue
        entry: dict[str, Any] = {"code": finding["code"]}
        if finding["line"] is not None:
            entry["line"] = finding["line"]
        if finding["index"] is not None:
            entry["index"] = finding["index"]
        entry["values"] = list(cited_values(finding["message"]))
        entry["severity"] = Severity(finding["severity"]).chinese
        entry["message"] = finding["message"]
        if decision is not None and not decision["lapsed"]:
            entry["verdict"], entry["reason"] = decision["verdict_text"], decision["reason"]
        else:
            entry["verdict"] = None
            entry["reason"] = (f"（原决定“{decision['verdict_text']}：{decision['reason']}”因数值改变已失效）"
                               if decision is not None else None)
        entries.append(entry)
    block["findings"] = entries
    return block


def dump_template(blocks: Iterable[dict[str, Any]]) -> str:
    """A decisions file of these table blocks, with a short head saying how to fill it in."""
    head = ("# perfscore 复核决定文件（格式见 docs/decisions.md）\n"
            "# 每条发现填 verdict：已核实 或 不采纳，并写 reason；verdict 留空表示尚未决定。\n"
            "# values 是这条发现所引的数值：数值改变后决定自动失效，需要重新复核。\n")
    return head + yaml.safe_dump({"tables": list(blocks)}, allow_unicode=True, sort_keys=False, width=120,
                                 default_flow_style=None)


def decisions_yaml(results: Sequence[EvaluationResult], *, minimum: Severity = Severity.INFO) -> str:
    """A decisions file listing the findings of ``results`` at or above ``minimum`` (``--decisions-template``)."""
    from .reports.json_report import evaluation_to_dict

    return dump_template(template_block(evaluation_to_dict(result), minimum) for result in results)
