"""Rule sets: loading built-in and user rule-set files, with ``extends``, into a :class:`RuleSet`.

``standard`` is docs/rules.md §1–8 (the model's defaults, ``scoring/ruleset_model.py``).
Other rule sets are YAML files that ``extends`` another and override a few keys; the ones
shipped with perfscore live in ``scoring/rulesets/``. Every formula, case rule and wording
template is checked when the file loads, so a mistake is reported at file:line before
any table is scored. The model's names are re-exported here, so ``scoring.ruleset`` stays
the one import for callers.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from indicators.problems import Problem, Source, did_you_mean
from indicators.yaml_nodes import EncodingError, LineMap, compose_documents, decode_yaml_bytes

from .formulas import FormulaError
from .rules import RULES, UnknownRule, rule_named
from .ruleset_model import (
    CASES, FORMULA_CASES, STANDARD, Band, Cap, Grade, Penalty, RuleSet, RuleSetError, Tier, UnknownRuleSet,
)

__all__ = ["Tier", "Grade", "Band", "Cap", "Penalty", "RuleSet", "RuleSetError", "UnknownRuleSet", "STANDARD",
           "builtin_names", "get_ruleset", "load_ruleset", "FORMULA_CASES", "CASES"]

#: Keys whose mapping a rule set merges into its parent's (the others replace the parent's value).
_MERGED = ("cases", "formulas", "wording", "default_scheme")


def _package_files() -> dict[str, Any]:
    folder = resources.files("scoring") / "rulesets"
    return {entry.name.removesuffix(".yaml"): entry for entry in folder.iterdir() if entry.name.endswith(".yaml")}


def builtin_names() -> list[str]:
    """Names of the rule sets shipped with perfscore, ``standard`` first."""
    names = sorted(_package_files())
    return ["standard"] + [name for name in names if name != "standard"]


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and key in _MERGED:
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def _problem_message(error: dict[str, Any]) -> str:
    loc = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        name = str(error["loc"][-1])
        return f"未知的规则集字段“{name}”{did_you_mean(name, RuleSet.model_fields)}"
    if error["type"] == "missing":
        return f"缺少必填项 {loc}"
    if error["type"] == "too_short":
        return f"{loc}：至少要有一项"
    cause = error.get("ctx", {}).get("error")
    expected = _EXPECTED.get(error["type"])
    if error["type"] == "literal_error":
        expected = f"应是 {error.get('ctx', {}).get('expected', '')} 之一".replace("' or '", "'、'")
    text = str(cause) if cause is not None else expected or error["msg"]
    given = error.get("input")
    if error["type"] == "value_error" or given is None:
        return f"{loc}：{text}"
    shown = f"“{given}”" if isinstance(given, (str, int)) else _kind(given)  # never echo a whole structure
    return f"{loc}：{text}（实际为{shown}）"


#: pydantic's error types, said in Chinese (what was expected).
_EXPECTED = {
    "bool_type": "应是 true 或 false", "bool_parsing": "应是 true 或 false",
    "int_type": "应是整数", "int_parsing": "应是整数", "int_from_float": "应是整数",
    "decimal_type": "应是数字", "decimal_parsing": "应是数字", "finite_number": "应是有限的数字",
    "string_type": "应是一段文字", "dict_type": "应是“键: 值”的映射", "model_type": "应是“键: 值”的映射",
    "model_attributes_type": "应是“键: 值”的映射", "tuple_type": "应是列表", "list_type": "应是列表",
}


def _kind(value: object) -> str:
    """What a YAML value is, in Chinese, for a message that must not echo a whole structure."""
    return {list: "列表", dict: "映射", type(None): "空值", bool: "是/否"}.get(type(value), type(value).__name__)


def _at(file: str, lines: LineMap, path: tuple, message: str) -> Problem:
    return Problem(source=Source(file=file, line=lines.line_of(path)), message=message)


def _load_text(text: str, file: str, seen: tuple[str, ...]) -> RuleSet:
    documents, problems = compose_documents(text, file)
    if problems:
        raise RuleSetError(problems)
    if len(documents) != 1 or not isinstance(documents[0][0], dict):
        raise RuleSetError([Problem(source=Source(file=file, line=1),
                                    message="规则集文件应是一个“键: 值”的映射（name、extends、formulas……）")])
    data, lines = documents[0]
    extends = data.get("extends")
    if extends is not None and not isinstance(extends, str):
        raise RuleSetError([_at(file, lines, ("extends",), f"extends 应是一个规则集的名称或 .yaml 文件的路径（一段文字），"
                                                            f"实际为{_kind(extends)}；一个规则集只能继承一个")])
    base_name = extends or ("standard" if data.get("name") != "standard" else None)
    base: dict[str, Any] = {}
    if base_name:
        if base_name in seen:
            raise RuleSetError([_at(file, lines, ("extends",),
                                    f"规则集之间循环继承：{' → '.join(seen + (base_name,))}")])
        try:
            parent = _resolve(base_name, seen + (base_name,), relative_to=Path(file).parent)
        except UnknownRuleSet as exc:
            raise RuleSetError([_at(file, lines, ("extends",), str(exc))]) from None
        base = parent.model_dump(exclude={"extends"}, mode="python")
    entry_problems = _check_entries(data, lines, file)
    if entry_problems:
        raise RuleSetError(entry_problems)
    if base_name and "description" not in data:
        data = {**data, "description": f"基于“{base_name}”的规则集（文件中未写 description）"}
    merged = _merge(base, data)
    try:
        return RuleSet.model_validate(merged)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        # A list whose items were all refused is also "too short": say only what was wrong with the items.
        errors = [e for e in errors if e["type"] != "too_short" or not any(
            o is not e and tuple(o["loc"][:len(e["loc"])]) == tuple(e["loc"]) for o in errors)]
        raise RuleSetError([_at(file, lines, tuple(error["loc"]), _problem_message(error))
                            for error in errors]) from None


def _check_formula(case: str, text: object) -> None:
    if not isinstance(text, str):
        raise FormulaError(f"公式应是一段文字，实际为{_kind(text)}")
    RuleSet._formulas({case: text})


def _check_case(case: str, rule: object) -> None:
    RuleSet._cases({case: ""})
    if not isinstance(rule, str):
        raise UnknownRule(f"规则应写作规则的名称（一段文字），实际为{_kind(rule)}")
    try:
        rule_named(rule)
    except UnknownRule as exc:
        raise UnknownRule(f"情形“{case}”的规则“{rule}”不存在{did_you_mean(rule, RULES)}") from exc


def _check_wording(key: str, template: object) -> None:
    RuleSet._wording({key: template})  # type: ignore[dict-item]


_ENTRY_CHECKS = (("formulas", _check_formula), ("cases", _check_case), ("wording", _check_wording))


def _check_entries(data: dict[str, Any], lines: LineMap, file: str) -> list[Problem]:
    """Each formula, case rule and wording template checked on its own line, so every mistake is
    reported where it is (the model's validation would report the whole mapping at once)."""
    problems: list[Problem] = []
    for field, check in _ENTRY_CHECKS:
        entries = data.get(field)
        if entries is None:
            continue
        if not isinstance(entries, dict):
            problems.append(_at(file, lines, (field,), f"{field} 应是“键: 值”的映射，实际为{_kind(entries)}"))
            continue
        for key, value in entries.items():
            try:
                check(key, value)
            except (ValueError, KeyError) as exc:  # FormulaError, UnknownRule, InputError, WordingError
                problems.append(_at(file, lines, (field, key), f"{field}.{key}：{exc}"))
    return problems


def _read(path: Path, shown: str) -> str:
    """A rule file's text: UTF-8 (BOM or not) or GB18030, as Windows tools write it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise RuleSetError([Problem(source=Source(file=shown), message="规则集文件不存在")]) from None
    except OSError as exc:
        raise RuleSetError([Problem(source=Source(file=shown),
                                    message=f"无法读取规则集文件：{exc.strerror or type(exc).__name__}")]) from None
    try:
        return decode_yaml_bytes(data).text
    except EncodingError as exc:
        raise RuleSetError([Problem(source=Source(file=shown), message=str(exc))]) from None


def _exists(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # a name with a NUL byte, too long a path …
        return False


def _resolve(name: str, seen: tuple[str, ...], relative_to: Path | None = None) -> RuleSet:
    if name == "standard":
        return STANDARD
    files = _package_files()
    if name in files:
        return _load_text(files[name].read_text(encoding="utf-8"), f"scoring/rulesets/{name}.yaml", seen)
    path = Path(name)
    if relative_to is not None and not path.is_absolute() and not _exists(path):
        path = relative_to / name
    if path.suffix in (".yaml", ".yml") and _exists(path):
        return _load_text(_read(path, name), str(name), seen)
    known = builtin_names()
    raise UnknownRuleSet(f"没有名为“{name}”的规则集{did_you_mean(name, known, '用')}（内置：{'、'.join(known)}；"
                         f"也可以给出 .yaml 规则集文件的路径）")


def _guarded(load: Any, *args: Any, file: str) -> RuleSet:
    """Run a load; anything but a reported problem becomes one, so a rule file never shows a traceback."""
    try:
        return load(*args)
    except (RuleSetError, UnknownRuleSet):
        raise
    except RecursionError:
        raise RuleSetError([Problem(source=Source(file=file), message="规则集文件嵌套太深，无法读取")]) from None
    except Exception as exc:  # a bug of ours: reported, with its type, instead of a traceback
        raise RuleSetError([Problem(source=Source(file=file),
                                    message=f"读取规则集时发生内部错误（{type(exc).__name__}），请报告此问题")]) from exc


def get_ruleset(name: str) -> RuleSet:
    """A built-in rule set by name, or a rule-set file by path.

    Raises:
        UnknownRuleSet: no such rule set (a ``KeyError`` too; the message suggests the nearest name).
        RuleSetError: the file has mistakes (each with file:line).
    """
    return _guarded(_resolve, name, (name,), file=name)


def load_ruleset(path: str | Path) -> RuleSet:
    """Load a rule-set YAML file (``extends`` followed).

    Raises:
        RuleSetError: a missing file, YAML error, unknown key, bad formula … each with file:line.
    """
    return _guarded(lambda: _load_text(_read(Path(path), str(path)), str(path), (str(path),)), file=str(path))
