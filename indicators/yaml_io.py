"""Read self-evaluation tables from YAML, with every problem reported at its file:line.

Scalars are kept as the text written (``4.00`` stays ``'4.00'``, ``100.00%`` stays
``'100.00%'``) so no number ever passes through float, and targets keep their
exact spelling. Level names left out repeat the line above, as merged cells do on
the printed form. The schema is documented in ``docs/yaml-format.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .model import FIELD_NAMES, Evaluation
from .loaded import TARGET_TABLE_MESSAGE, LoadResult
from .problems import Problem, Source
from .terms import KEY_ALIASES
from .validation import validation_message
from .yaml_nodes import EncodingError, LineMap, Path_, compose_documents, decode_yaml_bytes

__all__ = ["LoadResult", "load_yaml_file", "load_yaml_bytes", "load_yaml_text", "is_target_table", "dump_yaml", "evaluation_data"]

#: Table-level fields whose place a finding may point at.
_HEADER_FIELDS = ("title", "document", "year", "department", "unit", "recorded_total", "deviation_analysis",
                  "improvement", "overall_target", "details")


def _source(file: str, builder: LineMap, path: Path_) -> dict[str, Any]:
    return {"file": file, "line": builder.line_of(path)}


def _places(builder: LineMap, path: Path_, keys: Any) -> dict[str, int]:
    """The YAML line of each key under ``path`` (a model's ``places``)."""
    found = {}
    for key in list(keys):
        if key not in SOURCE_FIELDS:
            line = builder.line_of(path + (key,))
            if line is not None:
                found[key] = line
    return found


def _annotate_indicators(items: Any, builder: LineMap, file: str, path: Path_) -> None:
    """Fill merged level names from the line above and attach sources, in place."""
    if not isinstance(items, list):
        return
    previous = {"level1": "", "level2": ""}
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        here = path + (i,)
        if item.get("level1") not in (None, ""):
            if item["level1"] != previous["level1"]:
                previous["level2"] = ""
            previous["level1"] = item["level1"]
        elif previous["level1"]:
            item["level1"] = previous["level1"]
        if item.get("level2") not in (None, ""):
            previous["level2"] = item["level2"]
        elif previous["level2"]:
            item["level2"] = previous["level2"]
        item["source"] = _source(file, builder, here)
        item["places"] = _places(builder, here, item)
        for j, deduction in enumerate(item.get("deductions") or []):
            if isinstance(deduction, dict):
                deduction["source"] = _source(file, builder, here + ("deductions", j))
        if isinstance(item.get("judgment"), dict):
            item["judgment"]["source"] = _source(file, builder, here + ("judgment",))


def _annotate(data: dict[str, Any], builder: LineMap, file: str) -> None:
    data["source"] = _source(file, builder, ())
    data["places"] = _places(builder, (), {key: None for key in _HEADER_FIELDS if key in data})
    funds = data.get("funds")
    if isinstance(funds, dict):
        funds["source"] = _source(file, builder, ("funds",))
        funds["places"] = _places(builder, ("funds",), funds)
        for j, row in enumerate(funds.get("breakdown") or []):
            if isinstance(row, dict):
                row["source"] = _source(file, builder, ("funds", "breakdown", j))
    goals = data.get("goals")
    if isinstance(goals, list):
        for i, goal in enumerate(goals):
            if isinstance(goal, dict):
                goal["source"] = _source(file, builder, ("goals", i))
                _annotate_indicators(goal.get("indicators"), builder, file, ("goals", i, "indicators"))
    _annotate_indicators(data.get("indicators"), builder, file, ("indicators",))


def _lone_surrogates(data: Any, path: Path_ = ()) -> list[tuple[Path_, str]]:
    """Every text (key or value) holding a lone surrogate (YAML's ``"\\ud800"``): no file, screen or
    workbook can carry it, so it is refused where it stands rather than failing on output."""
    found: list[tuple[Path_, str]] = []
    if isinstance(data, str):
        if any("\ud800" <= ch <= "\udfff" for ch in data):
            found.append((path, data))
    elif isinstance(data, dict):
        for key, value in data.items():
            found.extend(_lone_surrogates(key, path))
            found.extend(_lone_surrogates(value, path + (key,)))
    elif isinstance(data, list):
        for k, item in enumerate(data):
            found.extend(_lone_surrogates(item, path + (k,)))
    return found


def is_target_table(evaluation: Evaluation) -> bool:
    """A 绩效目标表: no line has an actual or a recorded score yet, so there is nothing to score."""
    return all(not (line.actual or "").strip() and line.recorded is None for _, line in evaluation.lines())


def load_yaml_text(text: str, file: str, targets: bool = False) -> LoadResult:
    """Read every YAML document in ``text`` as an evaluation.

    Args:
        text: the YAML source.
        file: the name to report in sources and problems (the path as given).
        targets: return 绩效目标表 (no actuals, no scores) as evaluations too; by default
            they are listed in ``target_tables``, since they cannot be scored yet.

    Returns:
        The evaluations that validated and a problem for every mistake found, each
        at its file:line. A file with problems yields no evaluation.
    """
    documents, problems = compose_documents(text, file, KEY_ALIASES)
    evaluations: list[Evaluation] = []
    found_targets: list[Problem] = []
    if not documents and not problems:
        problems.append(Problem(source=Source(file=file, line=1), message="文件中没有自评表（内容为空）"))
    broken = bool(problems)
    for data, lines in documents:
        if not isinstance(data, dict):
            problems.append(Problem(source=Source(file=file, line=lines.line_of(())),
                                    message="自评表应为“键: 值”的映射（kind、title、funds、indicators……）"))
            continue
        broken_text = _lone_surrogates(data)
        if broken_text:
            for path, text in broken_text:
                problems.append(Problem(source=Source(file=file, line=lines.line_of(path)),
                                        message=f"文字“{text.encode('utf-8', 'backslashreplace').decode()}”"
                                                f"含有无效的字符（单独的代理码位），请删去或改正"))
            continue
        _annotate(data, lines, file)
        try:
            evaluation = Evaluation.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                loc = tuple(error["loc"])
                problems.append(Problem(source=Source(file=file, line=lines.line_of(loc)), message=validation_message(error, FIELD_NAMES)))
            continue
        if broken:
            continue
        if not targets and is_target_table(evaluation):
            found_targets.append(Problem(source=Source(file=file, line=lines.line_of(())),
                                         message=TARGET_TABLE_MESSAGE))
            continue
        evaluations.append(evaluation)
    return LoadResult(evaluations=tuple(evaluations), problems=tuple(problems), target_tables=tuple(found_targets))


#: A YAML file larger than this is refused before it is read: a transcribed table is a few KB, a year's
#: file of them well under 1 MB, and a parser holds several times a file's size in memory.
MAX_YAML_BYTES = 20 * 1024 * 1024


def _too_large(size: int) -> str:
    return (f"YAML 文件有 {size / (1024 * 1024):.1f} MB，超过上限 {MAX_YAML_BYTES // (1024 * 1024)} MB，"
            f"为防止耗尽内存拒绝读取（一张自评表的 YAML 通常只有几 KB）")


def load_yaml_file(path: str | Path, targets: bool = False, name: str | None = None) -> LoadResult:
    """Read a YAML file (UTF-8, GBK, UTF-16; see :func:`load_yaml_bytes`).

    ``name`` is the file's name in sources and messages (default: ``path`` as given).
    """
    name = str(path) if name is None else name
    try:
        size = Path(path).stat().st_size
        if size > MAX_YAML_BYTES and Path(path).is_file():
            return LoadResult(problems=(Problem(source=Source(file=name), message=_too_large(size)),))
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return LoadResult(problems=(Problem(source=Source(file=name), message="文件不存在"),))
    except IsADirectoryError:
        return LoadResult(problems=(Problem(source=Source(file=name), message="这是一个文件夹，不是文件"),))
    except OSError as exc:
        return LoadResult(problems=(Problem(source=Source(file=name), message=f"无法读取文件：{exc.strerror}"),))
    return load_yaml_bytes(data, name, targets)


def load_yaml_bytes(data: bytes, name: str, targets: bool = False) -> LoadResult:
    """Read YAML from bytes; ``name`` is the file's name in sources and messages.

    UTF-8 (with or without a BOM), UTF-16 with a BOM and GB18030/GBK are read (see
    :func:`~indicators.yaml_nodes.decode_yaml_bytes`); a file not in UTF-8 is read with a notice.
    More than :data:`MAX_YAML_BYTES` is refused unread.
    """
    if len(data) > MAX_YAML_BYTES:
        return LoadResult(problems=(Problem(source=Source(file=name), message=_too_large(len(data))),))
    try:
        decoded = decode_yaml_bytes(data)
    except EncodingError as exc:
        return LoadResult(problems=(Problem(source=Source(file=name), message=str(exc)),))
    result = load_yaml_text(decoded.text, name, targets)
    if decoded.encoding != "utf-8":
        notice = Problem(source=Source(file=name), message=decoded.note)
        result = result.model_copy(update={"notices": (notice, *result.notices)})
    return result


# --------------------------------------------------------------------------- writing

#: Fields that say where a value came from: a written file has its own places.
SOURCE_FIELDS = frozenset({"source", "places"})


def _plain(value: Any) -> Any:
    """Model values as plain data: Decimals and enums as their text, tuples as lists."""
    from decimal import Decimal
    from enum import Enum

    if isinstance(value, BaseModel):
        return evaluation_data(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return _Number(f"{value:f}")
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def evaluation_data(model: BaseModel) -> dict[str, Any]:
    """A model as the mapping its YAML holds: fields in schema order, defaults and sources left out.

    Works for every model of :mod:`indicators.model` (an evaluation, a line, a goal …).
    """
    data: dict[str, Any] = {}
    for name, field in type(model).model_fields.items():
        if name in SOURCE_FIELDS:
            continue
        value = getattr(model, name)
        if value is None or value == field.default:
            continue
        if isinstance(value, (tuple, dict)) and not value:
            continue
        data[name] = _plain(value)
    return data


class _Number(str):
    """A number's exact text, written unquoted (``4.00``, not ``'4.00'``)."""


class _Dumper(yaml.SafeDumper):
    """Writes every value so that :func:`load_yaml_text` reads back exactly the same text."""

    def ignore_aliases(self, data: Any) -> bool:  # two equal texts are two values, never an alias
        return True


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    # The reader keeps every scalar as its text, so a value may stay unquoted whenever YAML allows it,
    # whatever type YAML would resolve it to (``4.00``, ``是``, ``2023-12``) — except the words a
    # reader takes as empty (``null``, ``~``, ``''``), which must be quoted.
    tag = dumper.resolve(yaml.ScalarNode, text, (True, False))
    if tag == "tag:yaml.org,2002:null" or "\n" in text or text != text.strip():
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"' if "\n" in text else None)
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(str, _represent_text)
_Dumper.add_representer(_Number, _represent_text)


def dump_yaml(evaluations: Any) -> str:
    """Write evaluations as YAML documents (separated by ``---``) that read back as the same models.

    Every value keeps its text as written (``4.00``, ``100.00%``, ``>1045万``): the reader keeps
    scalars as text, so ``load_yaml_text(dump_yaml(e))`` gives models equal to ``e`` apart from
    their sources. Level names are written on every line (as merged cells read), so the reader's
    "omitted level repeats the line above" never changes a value — with one exception the YAML
    format cannot express: an empty 一级/二级指标 under a line that has one reads as that one.

    Args:
        evaluations: one :class:`~indicators.model.Evaluation` or several.

    Returns:
        The YAML text, UTF-8 ready, Chinese unescaped.
    """
    if isinstance(evaluations, Evaluation):
        evaluations = [evaluations]
    documents = [evaluation_data(evaluation) for evaluation in evaluations]
    return yaml.dump_all(documents, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100,
                         default_flow_style=False, explicit_start=len(documents) > 1)
