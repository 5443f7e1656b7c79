"""argparse in Chinese: usage, section titles, -h and every error message argparse itself writes.

argparse keeps its own strings in English; the staff see them when they mistype a command, so this
module gives a parser class whose help and errors read in Chinese and whose help ends with an
example.
"""

from __future__ import annotations

import argparse
import re
import sys

# argparse's own error messages (Python 3.11–3.13), as patterns, and how they read in Chinese.
_MESSAGES = [
    (
        r"^argument (?P<name>.+?): (?P<rest>.*)$",
        lambda m: f"参数 {m['name']}：{_translate(m['rest'])}",
    ),
    (
        r"^invalid choice: (?P<value>.+?) \(choose from (?P<choices>.*)\)$",
        lambda m: f"不认识 “{_unquote(m['value'])}”（可以选：{'、'.join(_unquote(c) for c in m['choices'].split(', '))}）",
    ),
    (
        r"^the following arguments are required: (?P<names>.*)$",
        lambda m: f"缺少必填的参数：{_names(m['names'])}",
    ),
    (r"^unrecognized arguments: (?P<names>.*)$", lambda m: f"不认识的参数：{m['names']}"),
    (r"^expected one argument$", lambda m: "后面要跟一个值"),
    (r"^expected at least one argument$", lambda m: "后面至少要跟一个值"),
    (r"^expected (?P<n>\d+) arguments?$", lambda m: f"后面要跟 {m['n']} 个值"),
    (
        r"^invalid (?P<type>\w+) value: (?P<value>.*)$",
        lambda m: f"“{_unquote(m['value'])}” 不是{_TYPES.get(m['type'], m['type'])}",
    ),
    (
        r"^one of the arguments (?P<names>.*) is required$",
        lambda m: f"下列参数必须给一个：{_names(m['names'])}",
    ),
    (r"^not allowed with argument (?P<name>.*)$", lambda m: f"不能和参数 {m['name']} 同时使用"),
    (
        r"^ambiguous option: (?P<opt>\S+) could match (?P<names>.*)$",
        lambda m: f"选项 {m['opt']} 不明确，可能是：{_names(m['names'])}",
    ),
    (
        r"^ignored explicit argument (?P<value>.*)$",
        lambda m: f"这个选项不需要值（多写了 {m['value']}）",
    ),
]
_TYPES = {"int": "整数", "float": "数字"}


def _unquote(text: str) -> str:
    return text.strip().strip("'\"")


def _names(text: str) -> str:
    return "、".join(name.strip() for name in text.split(", "))


def _translate(message: str) -> str:
    """argparse's English error message in Chinese (unknown ones are kept as they are)."""
    for pattern, make in _MESSAGES:
        match = re.match(pattern, message)
        if match:
            return make(match)
    return message


def translate(message: str) -> str:
    """The Chinese text of one of argparse's error messages."""
    return _translate(message)


class ChineseHelp(argparse.RawDescriptionHelpFormatter):
    """Help text with a Chinese “用法：” line; the example after the options keeps its line breaks."""

    def add_usage(self, usage, actions, groups, prefix=None):
        """Start the usage line with 用法： instead of usage:."""
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class ChineseParser(argparse.ArgumentParser):
    """An ArgumentParser whose help, section titles and errors are in Chinese; `example` ends its
    help."""

    def __init__(self, *args, example: str = "", **kwargs):
        kwargs.setdefault("formatter_class", ChineseHelp)
        kwargs["add_help"] = False
        if example:
            kwargs["epilog"] = "例子：\n" + "\n".join(f"  {line}" for line in example.splitlines())
        super().__init__(*args, **kwargs)
        self._positionals.title = "要填的内容"
        self._optionals.title = "选项"
        self.add_argument(
            "-h", "--help", action="help", default=argparse.SUPPRESS, help="显示这段说明后退出"
        )

    def error(self, message: str):
        """Print the usage and the error in Chinese, then leave with code 2 (as argparse does)."""
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{translate(message)}\n运行 {self.prog} -h 查看用法和例子。\n")
