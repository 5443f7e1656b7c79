"""Slugs: readable pinyin, phrase-aware, never empty for real titles, never unsafe."""
from generator.base.slugs import is_safe, slugify


def test_pinyin_is_phrase_aware():
    assert slugify("清洁家园") == "qing-jie-jia-yuan"
    assert slugify("2024-05-孝老送餐") == "2024-05-xiao-lao-song-can"
    assert slugify("白石镇8090宣讲") == "bai-shi-zhen-8090-xuan-jiang"


def test_punctuation_only_gives_empty_and_unsafe_slugs_are_refused():
    assert slugify("！！") == ""
    assert not is_safe("../x") and not is_safe(".hidden") and not is_safe("a/b") and is_safe("hao-ren")
