"""Templates sent to a worker process carry the code compiled so far: the worker compiles none of
them again, yet a template changed on disk is compiled afresh."""

import pickle

import jinja2

from generator.render.templates import Templates


def _folder(tmp_path, text):
    (tmp_path / "page.html").write_text(text, encoding="utf-8")
    return tmp_path


def test_a_sent_copy_renders_without_compiling(tmp_path, monkeypatch):
    templates = Templates(_folder(tmp_path, "<p>{{ name }}</p>\n"))
    templates.load("page.html")
    copy = pickle.loads(pickle.dumps(templates))

    def refuse(*args, **kwargs):
        raise AssertionError("compiled again")

    monkeypatch.setattr(jinja2.Environment, "compile", refuse)
    assert copy.render("page.html", {"name": "王<b>"}) == "<p>王&lt;b&gt;</p>\n"


def test_a_changed_template_is_compiled_again_in_the_copy(tmp_path):
    templates = Templates(_folder(tmp_path, "<p>{{ name }}</p>\n"))
    templates.load("page.html")
    sent = pickle.dumps(templates)
    _folder(tmp_path, "<div>{{ name }}</div>\n")
    assert pickle.loads(sent).render("page.html", {"name": "李"}) == "<div>李</div>\n"


def test_the_sealed_files_still_hold_the_code(tmp_path):
    (tmp_path / "t").mkdir()
    folder, cache = _folder(tmp_path / "t", "x{{ 1 + 1 }}\n"), tmp_path / "jinja"
    Templates(folder, cache).load("page.html")
    assert list(cache.glob("*.code"))
    assert Templates(folder, cache).render("page.html", {}) == "x2\n"
