"""The writer: atomic swap, unchanged files kept, stale files pruned, nothing outside the output folder."""
import os

import pytest

from generator.build.writer import Publication, UnsafeOutputPath, outputs_intact


def _beside(folder):
    """What is in the output folder's parent, apart from its standby tree."""
    return sorted(p.name for p in folder.iterdir() if p.name != ".public-standby")


def _publish(out, files):
    pub = Publication(out)
    for rel, data in files.items():
        pub.add(rel, data)
    return pub.commit()


def test_unchanged_files_keep_their_inode_and_stale_files_go(tmp_path):
    out = tmp_path / "public"
    _publish(out, {"a.html": b"a", "b/index.html": b"b", "old.html": b"o"})
    before = (out / "a.html").stat()
    report = _publish(out, {"a.html": b"a", "b/index.html": b"B"})
    assert report.unchanged == ["a.html"] and report.written == ["b/index.html"] and report.removed == ["old.html"]
    after = (out / "a.html").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert not (out / "old.html").exists()
    assert _beside(tmp_path) == ["public"], "no staging folders left behind"


def test_abort_leaves_output_untouched(tmp_path):
    out = tmp_path / "public"
    _publish(out, {"a.html": b"a"})
    pub = Publication(out)
    pub.add("a.html", b"changed")
    pub.abort()
    assert (out / "a.html").read_bytes() == b"a"
    assert _beside(tmp_path) == ["public"]


@pytest.mark.parametrize("rel", ["../x.html", "/etc/passwd", "a/../../x", ""])
def test_paths_outside_are_refused(tmp_path, rel):
    pub = Publication(tmp_path / "public")
    with pytest.raises(UnsafeOutputPath):
        pub.add(rel, b"x")
    pub.abort()


def test_same_path_twice_case_insensitively_is_refused(tmp_path):
    pub = Publication(tmp_path / "public")
    pub.add("A/index.html", b"1")
    with pytest.raises(UnsafeOutputPath):
        pub.add("a/index.html", b"2")
    pub.abort()


def test_a_failed_write_leaves_the_output_untouched(tmp_path, monkeypatch):
    import pathlib
    out = tmp_path / "public"
    _publish(out, {"a.html": b"a"})
    write = pathlib.Path.write_bytes

    def full_disk(self, data):
        if self.name == "b.html":
            raise OSError(28, "No space left on device")
        return write(self, data)

    monkeypatch.setattr(pathlib.Path, "write_bytes", full_disk)
    pub = Publication(out)
    pub.add("c.html", b"c")
    with pytest.raises(OSError, match="No space"):
        pub.add("b.html", b"b")
    pub.abort()
    assert sorted(p.name for p in out.iterdir()) == ["a.html"]
    assert _beside(tmp_path) == ["public"], "no staging folders left behind"


def test_killed_builds_leftovers_are_cleaned_by_the_next_build(tmp_path):
    out = tmp_path / "public"
    _publish(out, {"a.html": b"a"})
    for n in range(3):  # what `kill -9` during staging and after the swap leaves behind
        (tmp_path / f".public-new-killed{n}" / "x").mkdir(parents=True)
    _publish(out, {"a.html": b"A"})
    assert _beside(tmp_path) == ["public"]


def test_a_cut_fallback_swap_is_repaired_to_the_old_tree(tmp_path):
    out = tmp_path / "public"
    _publish(out, {"a.html": b"a"})
    out.rename(tmp_path / ".public-old-cut")  # killed between the two renames where there is no exchange
    pub = Publication(out)
    assert (out / "a.html").read_bytes() == b"a"
    pub.abort()
    assert _beside(tmp_path) == ["public"]


def test_the_old_tree_is_served_until_the_switch(tmp_path):
    out = tmp_path / "public"
    _publish(out, {"a.html": b"a", "gone.html": b"g"})
    pub = Publication(out)
    pub.add("a.html", b"new")
    pub.add("b.html", b"b")
    assert sorted(p.name for p in out.iterdir()) == ["a.html", "gone.html"]
    assert (out / "a.html").read_bytes() == b"a"
    pub.commit()
    assert sorted(p.name for p in out.iterdir()) == ["a.html", "b.html"]


def test_the_published_folder_stays_readable_by_others(tmp_path):
    out = tmp_path / "public"
    _publish(out, {"a.html": b"a"})
    _publish(out, {"a.html": b"b"})
    assert out.stat().st_mode & 0o055 == 0o055


def _manifested(out, manifest, files):
    pub = Publication(out, manifest)
    for rel, data in files.items():
        pub.add(rel, data if data is not None or not pub.is_current(rel, "k-" + rel) else b"fresh", "k-" + rel)
    return pub.commit()


@pytest.mark.parametrize("damage", ["delete", "edit", "edit-same-size"])
def test_a_damaged_output_file_is_not_believed_current(tmp_path, damage):
    out, manifest = tmp_path / "public", tmp_path / "manifest.json"
    _manifested(out, manifest, {"a.html": b"aaaa", "b.html": b"bbbb"})
    if damage == "delete":
        (out / "a.html").unlink()
    else:
        (out / "a.html").write_bytes(b"hand-edited page" if damage == "edit" else b"AAAA")
    pub = Publication(out, manifest)
    assert not pub.is_current("a.html", "k-a.html") and pub.read_current("a.html", "k-a.html") is None
    assert pub.is_current("b.html", "k-b.html")
    pub.abort()


def test_a_touched_but_unchanged_file_is_still_current(tmp_path):
    out, manifest = tmp_path / "public", tmp_path / "manifest.json"
    _manifested(out, manifest, {"a.html": b"aaaa"})
    os.utime(out / "a.html", ns=(1, 1))
    pub = Publication(out, manifest)
    assert pub.is_current("a.html", "k-a.html")
    pub.abort()


def test_outputs_intact_notices_missing_added_and_edited_files(tmp_path):
    out, manifest = tmp_path / "public", tmp_path / "manifest.json"
    _manifested(out, manifest, {"a.html": b"aaaa", "d/b.html": b"bbbb"})
    assert outputs_intact(out, manifest)
    (out / "extra.html").write_bytes(b"x")
    assert not outputs_intact(out, manifest)
    (out / "extra.html").unlink()
    (out / "d/b.html").write_bytes(b"BBBB")
    assert not outputs_intact(out, manifest)


def test_the_standby_tree_never_changes_a_published_file(tmp_path):
    out = tmp_path / "public"
    for n in range(4):  # the standby's files are links to published ones: writing them in place would show
        _publish(out, {"a.html": b"same", "b.html": f"version {n}".encode(), f"only-{n}.html": b"x"})
        assert (out / "a.html").read_bytes() == b"same" and (out / "b.html").read_bytes() == f"version {n}".encode()
        assert sorted(p.name for p in out.iterdir()) == ["a.html", "b.html", f"only-{n}.html"]


def test_a_file_may_become_a_folder_and_back(tmp_path):
    out = tmp_path / "public"
    _publish(out, {"x": b"file"})
    _publish(out, {"x/index.html": b"folder"})
    _publish(out, {"x": b"file again"})
    _publish(out, {"x/index.html": b"folder again"})
    assert (out / "x/index.html").read_bytes() == b"folder again"
