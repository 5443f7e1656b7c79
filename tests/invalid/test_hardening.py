"""Bad input and failing machines, as an outsider tries them: each gets its own Chinese message naming the file
and line (never 内部错误, never a traceback), and the last line says truthfully what became of the output."""
from __future__ import annotations

import errno
import json
import os
import pathlib
import struct
import zlib
from xml.etree import ElementTree

import pytest

from tests.conftest import MINIMAL_CONFIG, write_tree
from tests.invalid.test_invalid import _run

HEAD = "---\ntitle: 标题\ndate: 2024-05-01\n---\n"  # the body starts on line 5


def _png(width: int, height: int) -> bytes:
    """A PNG header claiming this size (the pixels are never there: a decompression bomb's shape)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + \
        chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + chunk(b"IEND", b"")


PAGE = "---\ntitle: 页面\ndate: 2024-05-01\nslug: {slug}\n---\n正文。\n"
CASES = {
    "list_nested_200_levels": ({"content/stories/a.md": HEAD + "".join("  " * i + "- 层\n" for i in range(200))},
                               "content/stories/a.md:21:1: 错误：列表或引用套得太深（17 层，上限 16 层）"),
    "list_nested_2000_levels": ({"content/stories/a.md": HEAD + "".join("  " * i + "- 层\n" for i in range(2000))},
                                "content/stories/a.md:1:1: 错误：文件太大（4010 KB，上限 2000 KB）"),
    "inline_list_2000_levels": ({"content/stories/a.md": HEAD + "- " * 2000 + "层\n"},
                                "content/stories/a.md:5:1: 错误：列表或引用套得太深（2000 层，上限 16 层）"),
    "quote_2000_levels": ({"content/stories/a.md": HEAD + ">" * 2000 + " 层\n"},
                          "content/stories/a.md:5:1: 错误：列表或引用套得太深（2000 层，上限 16 层）"),
    "yaml_200_levels": ({"content/stories/a.md": "---\ntitle: 标题\ndate: 2024-05-01\nx:\n"
                         + "".join("  " * i + "y:\n" for i in range(1, 200)) + "---\n"},
                         "content/stories/a.md:20:1: 错误：层次太深（17 层，上限 16 层）"),
    "yaml_flow_2000_levels": ({"content/stories/a.md": "---\ntitle: 标题\ntags: " + "[" * 2000 + "]" * 2000
                               + "\n---\n"}, "content/stories/a.md:3:1: 错误：层次太深（2001 层，上限 16 层）"),
    "line_too_long": ({"content/stories/a.md": HEAD + "好" * 60_000 + "\n"},
                      "content/stories/a.md:5:1: 错误：这一行太长（60000 个字，上限 50000）"),
    "file_too_large": ({"content/stories/a.md": HEAD + ("好人好事。\n" * 200_000)},
                       "content/stories/a.md:1:1: 错误：文件太大（3200 KB，上限 2000 KB）"),
    "too_many_tags": ({"content/stories/a.md": "---\ntitle: 标题\ndate: 2024-05-01\ntags: ["
                       + ", ".join(f"标签{i}" for i in range(40)) + "]\n---\n"},
                      "content/stories/a.md:4:1: 错误：标签太多（40 个，上限 30 个）"),
    "windows_reserved_slug": ({"content/stories/a.md": PAGE.format(slug="con")},
                              "content/stories/a.md:4:1: 错误：网址名（slug）“con” “con” 是 Windows 的保留名，建不了这个文件夹"),
    "windows_reserved_file_name": ({"content/stories/aux.md": HEAD},
                                   "content/stories/aux.md:1:1: 错误：文件名“aux” 是 Windows 的保留名，建不了这个文件夹"),
    "windows_character_in_slug": ({"content/stories/a.md": PAGE.format(slug='"a?b"')},
                                  "content/stories/a.md:4:1: 错误：网址名（slug）“a?b” 含有 Windows 不允许的字符 “?”"),
    "trailing_dot_slug": ({"content/stories/a.md": PAGE.format(slug="news.")},
                          "content/stories/a.md:4:1: 错误：网址名（slug）“news.” 以点或空格结尾，Windows 上建不了这个文件夹"),
    "slug_past_file_system_limit": ({"content/stories/a.md": PAGE.format(slug="a" * 300)},
                                    "content/stories/a.md:4:1: 错误：网址名（slug）“" + "a" * 77 + "…” 太长（300 字节，"
                                    "文件系统上限约 200 字节）"),
    "bidi_in_slug": ({"content/stories/a.md": PAGE.format(slug='"abc\\u202elmth"')},
                     "content/stories/a.md:4:1: 错误：网址名（slug）“abc\\u202elmth” 含有看不见的控制字符"),
    "slug_equal_to_the_feed": ({"content/pages/a.md": PAGE.format(slug="feed.xml")},
                               "content/pages/a.md:4:1: 错误：网址名（slug）“feed.xml” 和网站自己生成的 /feed.xml 同名"),
    "slug_equal_to_search": ({"content/pages/a.md": PAGE.format(slug="search")},
                             "content/pages/a.md:4:1: 错误：网址名（slug）“search” 和网站自己生成的 /search 同名"),
    "image_bomb": ({"content/stories/a.md": "---\ntitle: 标题\ndate: 2024-05-01\ncover: images/bomb.png\n"
                    "cover_alt: 门口\n---\n", "content/images/bomb.png": _png(60000, 60000)},
                   "content/stories/a.md:4:1: 错误：图片 “images/bomb.png” 太大（超过 50 百万像素），"
                   "可能是损坏的或恶意的 “图片炸弹”"),
    "image_bomb_under_pillows_own_limit": ({"content/stories/a.md": "---\ntitle: 标题\ndate: 2024-05-01\n"
                                            "cover: images/bomb.png\ncover_alt: 门口\n---\n",
                                            "content/images/bomb.png": _png(9000, 9000)},
                                           "content/stories/a.md:4:1: 错误：图片 “images/bomb.png” 太大（超过 50 百万像素），"
                                           "可能是损坏的或恶意的 “图片炸弹”"),
    "unreadable_image": ({"content/stories/a.md": "---\ntitle: 标题\ndate: 2024-05-01\ncover: images/a.jpg\n"
                          "cover_alt: 门口\n---\n", "content/images/a.jpg": b"\xff\xd8\xff\xe0 not really a jpeg"},
                         "content/stories/a.md:4:1: 错误：图片 “images/a.jpg” 打不开（文件损坏或不是图片）"),
    "windows_character_in_image_name": ({"content/stories/a.md": HEAD + "![门口](images/a:b.png)\n",
                                         "content/images/a:b.png": _png(2, 2)},
                                        "content/stories/a.md:5:1: 错误：图片路径 “images/a:b.png” 含有 Windows 不允许的字符 “:”"),
    "bad_colour_in_config": ({"content/stories/a.md": HEAD, "site_config.yaml": MINIMAL_CONFIG
                              + "wechat:\n  accent_colour: 红色\n"},
                             "site_config.yaml:12:3: 错误：wechat.accent_colour “红色” 不是颜色：请写成 # 加六位十六进制数字，"
                             "例如 #b22222"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_gets_its_own_message(tmp_path, name):
    files, expected = CASES[name]
    root = write_tree(tmp_path, {"site_config.yaml": MINIMAL_CONFIG, **files})
    (root / "public").mkdir()
    (root / "public/keep.html").write_text("旧网站", encoding="utf-8")
    code, stderr = _run(root)
    assert code == 1, stderr
    assert expected in stderr.splitlines(), f"expected {expected!r} in:\n{stderr}"
    assert "内部错误" not in stderr and "Traceback" not in stderr
    assert stderr.rstrip().endswith("输出文件夹 public/ 保持原样，仍是上次的完整版本。")
    assert sorted(p.name for p in (root / "public").iterdir()) == ["keep.html"]


def test_two_pages_on_one_url_name_both_files_with_lines(tmp_path):
    root = write_tree(tmp_path, {"site_config.yaml": MINIMAL_CONFIG,
                                 "content/stories/hao-ren.md": HEAD,
                                 "content/stories/b.md": "---\ntitle: 乙\ndate: 2024-05-01\nsummary: x\nslug: hao-ren\n---\n"})
    code, stderr = _run(root)
    assert code == 1
    assert "content/stories/hao-ren.md:1:1: 错误：网址 /stories/hao-ren/ 和 stories/b.md 第 5 行重复" in stderr
    assert "两篇文章都要用这个网址：stories/b.md 第 5 行和 stories/hao-ren.md 第 1 行。" in stderr


def test_control_and_bidi_characters_never_reach_the_output(tmp_path):
    story = ("---\ntitle: 好人\x0b好事\x1b[31m\ndate: 2024-05-01\nsummary: 摘要\u202e反转\x07\n---\n"
             "正文\x0c第一段\u2066。\n")
    root = write_tree(tmp_path, {"site_config.yaml": MINIMAL_CONFIG, "content/stories/a.md": story})
    code, stderr = _run(root)
    assert code == 0, stderr
    assert "content/stories/a.md:2:10: 警告：第 10 个字处有看不见的控制字符（U+000B、U+001B），已删除" in stderr
    assert "  >   2 | title: 好人\ufffd好事\ufffd[31m" in stderr, "the escape sequence never reaches the terminal"
    assert "content/stories/a.md:4:12: 警告：第 12 个字处有看不见的控制字符（U+0007、U+202E），已删除" in stderr
    assert "content/stories/a.md:6:3: 警告：第 3 个字处有看不见的控制字符（U+000C、U+2066），已删除" in stderr
    bad = "\x0b\x1b\x07\x0c\u202e\u2066"
    for path in (root / "public").rglob("*"):
        if path.suffix in (".html", ".xml", ".json", ".txt", ".js"):
            text = path.read_text(encoding="utf-8")
            assert not any(c in text for c in bad), path
            if path.suffix == ".xml":
                ElementTree.parse(path)
            if path.suffix == ".json":
                json.loads(text)
    assert "好人好事[31m" in (root / "public/stories/a/index.html").read_text(encoding="utf-8")


def test_invisible_characters_in_a_field_name_are_warned(tmp_path):
    story = "---\nti\u200btle: 好人好事\ndate: 2024-05-01\n---\n正文。\n"
    root = write_tree(tmp_path, {"site_config.yaml": MINIMAL_CONFIG, "content/stories/a.md": story})
    code, stderr = _run(root)
    assert code == 0, stderr
    assert "content/stories/a.md:2:1: 警告：字段名 “title” 里夹着看不见的字符（零宽空格等），已去掉" in stderr


def test_symlinks_out_of_content_and_loops_are_not_followed(tmp_path):
    outside = write_tree(tmp_path / "outside", {"stories/secret.md": HEAD + "机密。\n", "note.md": HEAD})
    root = write_tree(tmp_path / "site", {"site_config.yaml": MINIMAL_CONFIG, "content/stories/a.md": HEAD})
    (root / "content/stories/linked").symlink_to(outside / "stories")
    (root / "content/stories/b.md").symlink_to(outside / "note.md")
    (root / "content/stories/loop.md").symlink_to(root / "content/stories/loop.md")
    (root / "content/stories/up").symlink_to(root / "content")
    code, stderr = _run(root)
    assert code == 0, stderr
    assert "content/stories/linked:1:1: 警告：这是指向content/ 以外的文件夹的链接，不会读取里面的文章" in stderr
    assert "content/stories/b.md:1:1: 警告：这是指向 content/ 以外的链接，已跳过" in stderr
    assert "content/stories/loop.md:1:1: 警告：这个链接绕成了一个圈（链接循环），已跳过" in stderr
    assert "content/stories/up:1:1: 警告：这是指向content/ 里的另一个文件夹的链接，不会读取里面的文章" in stderr
    assert not any("机密" in p.read_text("utf-8") for p in (root / "public").rglob("*.html"))


@pytest.mark.parametrize("code_, said", [(errno.ENOSPC, "磁盘已满"), (errno.EROFS, "输出位置是只读的"),
                                         (errno.EACCES, "没有权限写入")])
def test_disk_full_and_read_only_output_get_their_own_message(tmp_path, monkeypatch, code_, said):
    root = write_tree(tmp_path, {"site_config.yaml": MINIMAL_CONFIG, "content/stories/a.md": HEAD + "正文。\n"})
    assert _run(root)[0] == 0
    before = {p.relative_to(root / "public"): p.read_bytes() for p in (root / "public").rglob("*") if p.is_file()}
    (root / "content/stories/a.md").write_text(HEAD + "改过的正文。\n", encoding="utf-8")
    write = pathlib.Path.write_bytes

    def failing(self, data):
        if ".public-standby" in str(self) and self.name == "index.html":
            raise OSError(code_, os.strerror(code_), str(self))
        return write(self, data)

    monkeypatch.setattr(pathlib.Path, "write_bytes", failing)
    code, stderr = _run(root)
    assert code == 1 and said in stderr and "内部错误" not in stderr and "Traceback" not in stderr
    assert stderr.rstrip().endswith("输出文件夹 public/ 保持原样，仍是上次的完整版本。")
    after = {p.relative_to(root / "public"): p.read_bytes() for p in (root / "public").rglob("*") if p.is_file()}
    assert after == before


def test_the_final_line_names_the_out_folder(tmp_path):
    root = write_tree(tmp_path, {"site_config.yaml": MINIMAL_CONFIG, "content/stories/a.md": HEAD + "- " * 50 + "x\n"})
    code, stderr = _run(root, "--out", str(tmp_path / "elsewhere"))
    assert code == 1 and stderr.rstrip().endswith("输出文件夹 elsewhere/ 没有创建。")
