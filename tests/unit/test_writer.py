"""The writer: atomic swap, unchanged files kept, stale files pruned, nothing outside the output folder."""
import pytest

from generator.build.writer import Publication, UnsafeOutputPath


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
    assert [p.name for p in tmp_path.iterdir()] == ["public"], "no staging folders left behind"


def test_abort_leaves_output_untouched(tmp_path):
    out = tmp_path / "public"
    _publish(out, {"a.html": b"a"})
    pub = Publication(out)
    pub.add("a.html", b"changed")
    pub.abort()
    assert (out / "a.html").read_bytes() == b"a"
    assert [p.name for p in tmp_path.iterdir()] == ["public"]


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
    assert [p.name for p in tmp_path.iterdir()] == ["public"], "no staging folders left behind"
