"""Safe YAML reading that keeps every value's line and refuses tags, aliases and duplicate keys."""
from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from generator.base import limits

# Plain scalars stay strings: `title: 12.10` must not become the number 12.1, and `2023年9月11日`
# style dates are parsed by the schema, not by YAML. Only these tags may appear (all implicit).
_ALLOWED_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map",
}
_NULL_WORDS = {"", "~", "null", "Null", "NULL"}
MAX_NODES = 20_000
# libyaml's C parser is about 15 times faster and reports the same positions; fall back when it is
# missing.
# front matter and config are small; anything larger is a mistake or an attack
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Path = tuple  # a key path such as ("led", "screens", 0, "width")


@dataclass
class YamlProblem(Exception):
    """A YAML problem at a 1-based line and column inside the parsed text."""

    line: int
    col: int
    message: str
    hint: str = ""


@dataclass
class YamlDoc:
    """Parsed YAML: plain values (dict, list, str, None) and the position of every key path."""

    data: object
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path) -> tuple[int, int]:
        """The (line, col) of a key path, falling back to its nearest known parent."""
        while path and path not in self.positions:
            path = path[:-1]
        return self.positions.get(path, (1, 1))


def parse(text: str, line_offset: int = 0) -> YamlDoc:
    """Parse one YAML document into strings, lists and dicts, recording positions; raise
    YamlProblem.

    `line_offset` is added to every line, so positions and messages name the line in the whole file.
    """
    try:
        return _parse(text, line_offset)
    except YamlProblem as problem:
        problem.line += line_offset
        raise


def _parse(text: str, line_offset: int) -> YamlDoc:
    deep = limits.yaml_depth(text)
    # before the parser, which takes minutes and then overflows the stack on thousands of levels
    if deep:
        raise YamlProblem(deep[0], 1, f"层次太深（{deep[1]} 层，上限 {limits.MAX_YAML_DEPTH} 层）",
                          "文件头和配置只需要两三层缩进：检查缩进或括号是不是写多了。")
    _refuse_aliases(text)
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlProblem(line, col, _explain(exc), _hint_for(exc)) from None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML raises Marked errors for text input
        raise YamlProblem(1, 1, f"YAML 格式有误：{exc}") from None
    doc = YamlDoc(None)
    if node is None:
        return doc
    counter = [0]
    doc.data = _convert(node, (), doc.positions, counter, line_offset)
    doc.positions = {k: (line + line_offset, col) for k, (line, col) in doc.positions.items()}
    return doc


def _refuse_aliases(text: str) -> None:
    """Reject anchors and aliases: staff never need them and they allow 'billion laughs' bombs."""
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent) or anchor:
                mark = event.start_mark
                raise YamlProblem(mark.line + 1, mark.column + 1, "不支持 YAML 锚点或引用（& 和 *）",
                                  "请把内容直接写出来，不要用 & 或 * 引用别处的内容。")
    except yaml.MarkedYAMLError:
        return  # compose() reports syntax errors with a better message


def _convert(
    node: yaml.Node, path: Path, positions: dict, counter: list[int], offset: int
) -> object:
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise YamlProblem(node.start_mark.line + 1, 1, "YAML 内容过大", "文件头只写文章信息，正文写在 --- 之后。")
    if node.tag not in _ALLOWED_TAGS:
        raise YamlProblem(node.start_mark.line + 1, node.start_mark.column + 1,
                          f"不支持 YAML 标签 {node.tag.replace('tag:yaml.org,2002:', '!!')}",
                          "去掉以 ! 开头的标签，直接写值。")
    positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.ScalarNode):
        # libyaml marks plain scalars with "", PyYAML with None
        if not node.style and node.value in _NULL_WORDS:
            return None
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(child, path + (i,), positions, counter, offset)
            for i, child in enumerate(node.value)
        ]
    result: dict[str, object] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise YamlProblem(
                key_node.start_mark.line + 1, key_node.start_mark.column + 1, "字段名必须是文字"
            )
        key = key_node.value
        line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
        if key in result:
            first = positions[path + (key,)][0] + offset
            raise YamlProblem(line, col, f"字段 “{key}” 重复出现（第 {first} 行已经写过）", "删掉其中一个。")
        positions[path + (key,)] = (line, col)
        result[key] = _convert(value_node, path + (key,), positions, counter, offset)
    return result


# libyaml's problems, in the words a writer understands.
_PROBLEMS = [
    ("\\t", "这里用了制表符（Tab）"),
    ("mapping values are not allowed", "冒号用得不对：一行里只能有一个 “字段: 值”"),
    ("could not find expected ':'", "这一行缺少冒号，或者上一行的引号没有配对"),
    ("end of stream", "引号或括号没有配对（少了结尾的一半）"),
    ("expected ',' or ']'", "方括号列表没有结束：缺少 ]"),
    ("expected ',' or '}'", "花括号没有结束：缺少 }"),
    ("expected <document start>", "缩进不一致：同一层的字段要左边对齐"),
    ("expected key", "缩进不一致：同一层的字段要左边对齐"),
    ("cannot start any token", "这里的字符不能放在值的开头（例如 @ 或 `），请给整个值加上英文引号"),
]


def _explain(exc: yaml.MarkedYAMLError) -> str:
    problem = (exc.problem or exc.context or "").strip()
    for fragment, words in _PROBLEMS:
        if fragment in problem:
            return words
    return f"YAML 格式有误（{problem}）"


def _hint_for(exc: yaml.MarkedYAMLError) -> str:
    problem = (exc.problem or "")
    if "\\t" in problem:
        return "YAML 只能用空格缩进，请把 Tab 换成两个空格。"
    if "mapping values" in problem:
        return "值里含有冒号时，请把整个值用英文引号括起来，例如 title: \"主题：文明出行\"。"
    return "检查这一行和上一行：冒号后面要有空格，引号要成对。"


def dump(data: object, flow_lists: bool = False) -> str:
    """Write plain data back as readable YAML (used by `new`, `review sign` and the 编审台).

    With flow_lists, lists of plain values are written on one line as `[a, b]`, as people write them
    by hand.
    """
    return yaml.safe_dump(
        data,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=None if flow_lists else False,
        width=10_000,
    )
