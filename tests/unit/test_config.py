"""Config: typed, every problem at once, unknown keys with a hint."""
from pathlib import Path

import pytest

from generator.config import load
from generator.base.errors import BuildFailed

FOUR_SCREENS = """\
site: {title: 测试站, base_url: https://example.gov.cn/wenming/}
publish: {require_review: true}
led:
  screens:
    - {name: gate, width: 384, height: 192, colour: full, font_size: 40, min_font_size: 24}
    - {name: strip, width: 192, height: 32, colour: dual, font_size: 16, min_font_size: 16}
    - {name: board, width: 128, height: 32, colour: mono, led_colour: red, font_size: 16, min_font_size: 12}
    - {name: hall, width: 1920, height: 1080, colour: full, font_size: 96, min_font_size: 48}
"""


def test_a_config_with_four_screens_loads_typed(tmp_path):
    path = tmp_path / "site_config.yaml"
    path.write_text(FOUR_SCREENS, encoding="utf-8")
    cfg = load(path)
    assert [s.name for s in cfg.led.screens] == ["gate", "strip", "board", "hall"]
    assert cfg.screen("hall").size == (1920, 1080)
    assert {s.colour for s in cfg.led.screens} == {"full", "dual", "mono"}
    assert cfg.publish.require_review is True and cfg.root == tmp_path


def test_all_errors_are_reported(tmp_path):
    path = tmp_path / "site_config.yaml"
    path.write_text("site:\n  title: 站\n  base_url: ftp://x\nwechat:\n  font_size: 30\nled:\n  screens:\n"
                    "    - {name: a, width: 64, height: 32, colour: rainbow}\n    - {name: a, width: 64, height: 32}\n",
                    encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        load(path)
    messages = [(p.line, p.message) for p in failed.value.problems]
    assert (3, "base_url 必须以 https:// 开头（现在是 “ftp://x”）") in messages
    assert (5, "wechat.font_size 只能在 15 到 17 之间") in messages
    assert any(line == 8 and "rainbow" in text for line, text in messages)


def test_rotation_swaps_frame_size(tmp_path):
    path = tmp_path / "site_config.yaml"
    path.write_text("site: {title: 站, base_url: 'https://a.cn/'}\nled:\n  screens:\n"
                    "    - {name: tall, width: 192, height: 64, rotation: 90}\n", encoding="utf-8")
    assert load(path).led.screens[0].size == (64, 192)
