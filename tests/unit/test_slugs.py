"""Slugs: readable pinyin, phrase-aware, never empty for real titles, never unsafe."""
from generator.base.slugs import is_safe, slugify


def test_pinyin_is_phrase_aware():
    assert slugify("清洁家园") == "qing-jie-jia-yuan"
    assert slugify("2024-05-孝老送餐") == "2024-05-xiao-lao-song-can"
    assert slugify("白石镇8090宣讲") == "bai-shi-zhen-8090-xuan-jiang"


def test_punctuation_only_gives_empty_and_unsafe_slugs_are_refused():
    assert slugify("！！") == ""
    assert not is_safe("../x") and not is_safe(".hidden") and not is_safe("a/b") and is_safe("hao-ren")


def test_the_speller_lets_pypinyin_go_only_in_a_process_of_one_thread():
    """Unloading a module another thread may be using could break it: with a second thread
    running, release() keeps pypinyin; alone, it unloads it and a later spelling still works."""
    import subprocess
    import sys

    script = """
import sys, threading
from generator.base.slugs import Speller
speller = Speller()
assert speller.slug("银行行长") == "yin-hang-hang-zhang"
stop = threading.Event()
other = threading.Thread(target=stop.wait)
other.start()
speller.release()
kept = "pypinyin" in sys.modules
stop.set(); other.join()
speller.release()
print(kept, "pypinyin" in sys.modules, Speller().slug("行长"))
"""
    from tests.conftest import ROOT

    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False", "hang-zhang"]
