"""Sites that must fail: each bad input gives its exact Chinese message at the real file line, and nothing is published."""
from __future__ import annotations

import codecs
import io
import os
import zipfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from generator.cli import main
from tests.conftest import MINIMAL_CONFIG, write_tree

GOOD = "---\ntitle: 好人好事\ndate: 2024-05-01\n---\n正文。\n"


def _docx() -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return stream.getvalue()


CASES = {
    "word_document_renamed": ({"content/stories/a.md": _docx()},
                              ["content/stories/a.md:1:1: 错误：这是一个 Word 文档（.docx），不是纯文本文件"]),
    "empty_file": ({"content/stories/a.md": ""}, ["content/stories/a.md:1:1: 错误：文件是空的"]),
    "no_front_matter": ({"content/stories/a.md": "正文而已\n"},
                        ["content/stories/a.md:1:1: 错误：文件开头缺少文件头（--- 包起来的文章信息）"]),
    "unclosed_front_matter": ({"content/stories/a.md": "---\ntitle: 标题\ndate: 2024-05-01\n正文\n"},
                              ["content/stories/a.md:1:1: 错误：文件头没有结束：找不到第二行 ---"]),
    "front_matter_is_a_list": ({"content/stories/a.md": "---\n- 标题\n- 2024-05-01\n---\n正文\n"},
                               ["content/stories/a.md:2:1: 错误：文件头应该是若干 “字段: 值”，现在是列表"]),
    "front_matter_is_a_string": ({"content/stories/a.md": "---\n这是一段话\n---\n正文\n"},
                                 ["content/stories/a.md:2:1: 错误：文件头应该是若干 “字段: 值”，现在是一段文字"]),
    "tab_indent": ({"content/stories/a.md": "---\ntitle: 标题\ndate: 2024-05-01\nled:\n\ttext: [你好]\n---\n正文\n"},
                   ["content/stories/a.md:5:1: 错误：文件头里用了制表符（Tab）缩进"]),
    "python_tag": ({"content/stories/a.md": "---\ntitle: !!python/object/apply:os.system [ls]\ndate: 2024-05-01\n---\n"},
                   ["content/stories/a.md:2:8: 错误：不支持 YAML 标签 !!python/object/apply:os.system"]),
    "alias_bomb": ({"content/stories/a.md": "---\ntitle: 标题\ndate: 2024-05-01\na: &a [x, x, x]\nb: [*a, *a, *a]\n---\n"},
                   ["content/stories/a.md:4:4: 错误：不支持 YAML 锚点或引用（& 和 *）"]),
    "unknown_key": ({"content/stories/a.md": "---\ntitle: 标题\ndate: 2024-05-01\nperon: 张三\n---\n"},
                    ["content/stories/a.md:4:1: 错误：不认识的字段 “peron”", "  提示：是不是想写 “person”？"]),
    "duplicate_key": ({"content/stories/a.md": "---\ntitle: 标题\ndate: 2024-05-01\ntitle: 又一个\n---\n"},
                      ["content/stories/a.md:4:1: 错误：字段 “title” 重复出现（第 2 行已经写过）"]),
    "date_without_year": ({"content/stories/a.md": "---\ntitle: 标题\ndate: 9月11日\n---\n"},
                          ["content/stories/a.md:3:1: 错误：日期 “9月11日” 缺少年份。日期请写成 2023-09-11、2023年9月11日、2023/9/11 或 2023.9.11。"]),
    "impossible_date": ({"content/stories/a.md": "---\ntitle: 标题\ndate: 2023年2月30日\n---\n"},
                        ["content/stories/a.md:3:1: 错误：日期 “2023年2月30日” 不存在（2023年没有2月30日）。"]),
    "missing_title": ({"content/stories/a.md": "---\ndate: 2024-05-01\n---\n"},
                      ["content/stories/a.md:2:1: 错误：缺少必填字段 “title”"]),
    "slug_leaves_output": ({"content/stories/a.md": "---\ntitle: 标题\ndate: 2024-05-01\nslug: ../../etc\n---\n"},
                           ["content/stories/a.md:4:1: 错误：网址名（slug）“../../etc” 不安全：不能以 . 开头，也不能含有 / 或 \\"]),
    "two_pages_one_url": ({"content/stories/a.md": "---\ntitle: 甲\ndate: 2024-05-01\nslug: Hao-Ren\n---\n",
                           "content/stories/b.md": "---\ntitle: 乙\ndate: 2024-05-01\nslug: hao-ren\n---\n"},
                          ["content/stories/b.md:4:1: 错误：网址 /stories/hao-ren/ 和 stories/a.md 第 4 行重复"]),
    "missing_image": ({"content/stories/a.md": "---\ntitle: 标题\ndate: 2024-05-01\n---\n第一段。\n\n![门口](images/none.jpg)\n"},
                      ["content/stories/a.md:7:1: 错误：找不到图片 “images/none.jpg”"]),
    "image_without_alt": ({"content/stories/a.md": "---\ntitle: 标题\ndate: 2024-05-01\ncover: images/a.png\n---\n",
                           "content/images/a.png": bytes.fromhex(
                               "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                               "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")},
                          ["content/stories/a.md:4:1: 错误：图片 “images/a.png” 缺少说明文字（cover_alt）"]),
    "empty_image": ({"content/stories/a.md": "---\ntitle: 标题\ndate: 2024-05-01\ncover: images/a.jpg\ncover_alt: 门口\n---\n",
                     "content/images/a.jpg": b""},
                    ["content/stories/a.md:4:1: 错误：图片 “images/a.jpg” 是空文件"]),
    "wrong_folder": ({"content/a.md": GOOD}, ["content/a.md:1:1: 错误：文章放错了文件夹"]),
    "bad_number": ({"content/activities/a.md": "---\ntitle: 活动\ndate: 2024-05-01\nparticipants: 三十\n---\n"},
                   ["content/activities/a.md:4:1: 错误：“participants” 应该是数字，现在是 “三十”"]),
    "unknown_config_key": ({"content/stories/a.md": GOOD, "site_config.yaml": MINIMAL_CONFIG + "serv:\n  port: 8000\n"},
                           ["site_config.yaml:11:1: 错误：不认识的字段 “serv”", "  提示：是不是想写 “serve”？"]),
    "undecodable_bytes": ({"content/stories/a.md": b"---\ntitle: \xff\xfe\xfa\n---\n"},
                          ["content/stories/a.md:2:1: 错误：文件编码无法识别（既不是 UTF-8 也不是 GBK）"]),
}


def _run(root: Path, *args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(root)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(["build", "--no-cache", *args])
    finally:
        os.chdir(here)
    return code, err.getvalue()


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_fails_with_exact_message(tmp_path, name):
    files, expected = CASES[name]
    root = write_tree(tmp_path, {"site_config.yaml": MINIMAL_CONFIG, **files})
    (root / "public").mkdir()
    (root / "public" / "keep.html").write_text("旧网站", encoding="utf-8")
    code, stderr = _run(root)
    lines = stderr.splitlines()
    assert code == 1, stderr
    for line in expected:
        assert line in lines, f"expected line {line!r} in:\n{stderr}"
    assert "Traceback" not in stderr
    assert sorted(p.name for p in (root / "public").iterdir()) == ["keep.html"], "a failed build must not touch public/"


def test_all_problems_are_reported_at_once(tmp_path):
    files = {"content/stories/a.md": "---\ntitle: 甲\ndate: 2024-13-01\n---\n",
             "content/stories/b.md": "---\ntitle: 乙\ndate: 2024-05-01\ncolor: red\n---\n"}
    root = write_tree(tmp_path, {"site_config.yaml": MINIMAL_CONFIG, **files})
    code, stderr = _run(root)
    assert code == 1
    assert "content/stories/a.md:3:1: 错误：日期 “2024-13-01” 不存在（2024年没有13月1日）。" in stderr
    assert "content/stories/b.md:4:1: 错误：不认识的字段 “color”" in stderr
    assert "没有发布：共 2 个错误需要修改。输出文件夹 public/ 没有创建。" in stderr


@pytest.mark.parametrize("encoding,bom", [("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE)])
def test_byte_order_marks_and_crlf_are_accepted(tmp_path, encoding, bom):
    text = "---\r\ntitle: 带 BOM 的文章\r\ndate: 2024-05-01\r\n---\r\n正文\u200b第一段。\r\n"
    root = write_tree(tmp_path, {"site_config.yaml": MINIMAL_CONFIG, "content/stories/a.md": bom + text.encode(encoding)})
    code, stderr = _run(root)
    assert code == 0, stderr
    page = (root / "public/stories/a/index.html").read_text(encoding="utf-8")
    assert "带 BOM 的文章" in page and "正文第一段。" in page


def test_gbk_file_is_read_with_a_warning(tmp_path):
    text = "---\ntitle：柚苑社区的好邻居\ndate: 2024年5月1日\n---\n邻里守望。\n"
    root = write_tree(tmp_path, {"site_config.yaml": MINIMAL_CONFIG, "content/stories/a.md": text.encode("gbk")})
    code, stderr = _run(root)
    assert code == 0, stderr
    assert "content/stories/a.md:1:1: 警告：文件是 GBK 编码，已按 GBK 读取" in stderr
    assert "content/stories/a.md:2:1: 警告：这里用了中文冒号 “：”，已当作英文冒号处理" in stderr
    assert "柚苑社区的好邻居" in (root / "public/stories/a/index.html").read_text(encoding="utf-8")


def test_symlink_outside_content_is_not_followed(tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: 机密\ndate: 2024-05-01\n---\n不该发布\n", encoding="utf-8")
    root = write_tree(tmp_path / "site", {"site_config.yaml": MINIMAL_CONFIG, "content/stories/a.md": GOOD})
    (root / "content/stories/link.md").symlink_to(secret)
    code, stderr = _run(root)
    assert code == 0, stderr
    assert "content/stories/link.md:1:1: 警告：这是指向 content/ 以外的链接，已跳过" in stderr
    assert not (root / "public/stories/link").exists()
