"""Turn parsed YAML into frozen dataclasses by their type hints, collecting every problem with its
key path."""

from __future__ import annotations

import dataclasses
import functools
import re
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime

from generator.base import dates
from generator.base.errors import did_you_mean

_TRUE = {"true", "yes", "on", "是", "对", "1"}
_FALSE = {"false", "no", "off", "否", "不", "0"}
_LIST_SPLIT = re.compile(r"\s*[,，、;；]\s*")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．－", "0123456789.-")


@dataclass(frozen=True)
class SchemaProblem:
    """A value that does not fit its field: where (key path), what, and a hint."""

    path: tuple
    message: str
    hint: str = ""


def key_of(f: dataclasses.Field) -> str:
    """The YAML key of a dataclass field (metadata `key`, else the field name)."""
    return f.metadata.get("key", f.name)


def build(cls: type, data: object, path: tuple = (), problems: list | None = None):
    """Build `cls` from `data`; return (instance or None, problems). Unknown keys and bad values are
    all reported."""
    problems = [] if problems is None else problems
    return _build_dataclass(cls, data, path, problems), problems


def _build_dataclass(cls: type, data: object, path: tuple, problems: list):
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.append(SchemaProblem(path, f"“{_name(path)}” 应该是若干 “字段: 值”", "每行写一个 字段: 值。"))
        return None
    hints = _hints(cls)
    fields = {key_of(f): f for f in dataclasses.fields(cls)}
    for key in data:
        if key not in fields:
            hint = did_you_mean(str(key), list(fields)) or f"可用的字段：{'、'.join(fields)}"
            problems.append(SchemaProblem(path + (key,), f"不认识的字段 “{key}”", hint))
    values = {}
    before = len(problems)
    for key, f in fields.items():
        if key in data and data[key] is not None:
            values[f.name] = convert(hints[f.name], data[key], path + (key,), problems, f.metadata)
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            problems.append(SchemaProblem(path + (key,) if key in data else path, f"缺少必填字段 “{key}”",
                                          f"请补上一行 {key}: …"))
    if len(problems) != before:
        return None
    try:
        return cls(**values)
    except ValueError as exc:  # __post_init__ cross-field checks; FieldError names the key to blame
        key = getattr(exc, "key", None)
        problems.append(SchemaProblem(path + (key,) if key else path, str(exc)))
        return None


# resolving string annotations is slow and classes never change while the program runs
@functools.cache
def _hints(cls: type) -> dict:
    return typing.get_type_hints(cls)


def convert(hint, value, path: tuple, problems: list, meta=None):
    """Coerce one YAML value to the type `hint`, appending a SchemaProblem (and returning None) when
    it cannot."""
    meta = meta or {}
    if "parse" in meta:
        try:
            return meta["parse"](value)
        except ValueError as exc:
            problems.append(SchemaProblem(path, str(exc), meta.get("hint", "")))
            return None
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return convert(inner[0], value, path, problems, meta) if len(inner) == 1 else value
    if dataclasses.is_dataclass(hint):
        return _build_dataclass(hint, value, path, problems)
    if origin is typing.Literal:
        text = _scalar(value, path, problems)
        if text is not None and text not in args:
            hint_text = did_you_mean(text, list(args)) or f"可选：{'、'.join(map(str, args))}"
            problems.append(SchemaProblem(path, f"“{_name(path)}” 不能是 “{text}”", hint_text))
            return None
        return text
    if origin in (tuple, list):
        return _convert_list(args[0], value, path, problems)
    if origin is dict:
        if not isinstance(value, dict):
            problems.append(SchemaProblem(path, f"“{_name(path)}” 应该是若干 “名称: 值”"))
            return None
        return {str(k): convert(args[1], v, path + (k,), problems) for k, v in value.items()}
    return _convert_scalar(hint, value, path, problems)


def _convert_list(item_hint, value, path: tuple, problems: list) -> tuple:
    if isinstance(value, str) and item_hint is str:
        value = [part for part in _LIST_SPLIT.split(value.strip()) if part]
    elif not isinstance(value, list):
        value = [value]
    return tuple(convert(item_hint, v, path + (i,), problems) for i, v in enumerate(value))


def _convert_scalar(hint, value, path: tuple, problems: list):
    text = _scalar(value, path, problems)
    if text is None:
        return None
    try:
        if hint is str:
            return text
        if hint is bool:
            return _to_bool(text)
        if hint is int:
            return int(text.translate(_FULLWIDTH_DIGITS).replace(",", ""))
        if hint is float:
            return float(text.translate(_FULLWIDTH_DIGITS).replace(",", ""))
        if hint is date:
            return dates.parse_date(text)
        if hint is datetime:
            return dates.parse_datetime(text)
    except ValueError as exc:
        message = (
            str(exc)
            if hint in (date, datetime, bool)
            else f"“{_name(path)}” 应该是数字，现在是 “{text}”"
        )
        problems.append(SchemaProblem(path, message))
        return None
    raise TypeError(f"schema cannot convert to {hint!r}")  # a programming error, not a content one


def _scalar(value, path: tuple, problems: list) -> str | None:
    if isinstance(value, (dict, list)):
        problems.append(SchemaProblem(path, f"“{_name(path)}” 应该是一个值，而不是列表或分组"))
        return None
    return str(value).strip()


def _to_bool(text: str) -> bool:
    low = text.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError(f"只能写 true 或 false，现在是 “{text}”")


def _name(path: tuple) -> str:
    named = [str(p) for p in path if not isinstance(p, int)]
    return named[-1] if named else "文件头"
