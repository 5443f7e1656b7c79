"""Config: typed, every problem at once, unknown keys with a hint."""
from pathlib import Path

import pytest

from generator.config import load
from generator.base.errors import BuildFailed

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_config_loads_with_four_screens():
    cfg = load(ROOT / "site_config.yaml")
    assert [s.name for s in cfg.led.screens] == ["gate", "strip", "board", "hall"]
    assert cfg.screen("hall").size == (1920, 1080)
    assert {s.colour for s in cfg.led.screens} == {"full", "dual", "mono"}
    assert cfg.publish.require_review is True


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
