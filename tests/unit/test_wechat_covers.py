"""WeChat covers: exact sizes, crop strings the API accepts, the focus point kept, no EXIF, stable bytes."""
from __future__ import annotations

import io
import multiprocessing
import re
import shutil
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from generator.model.content import Page, Site
from generator.model.fields import Story
from generator.render.markdown import ImageRef, Rendered
from generator.formats.wechat import covers
from generator.render.images import Copies

CROP = re.compile(r"^\d(\.\d{1,6})?(_\d(\.\d{1,6})?){3}$")


def halves(path: Path, size=(1600, 1000)) -> Path:
    """A picture whose left half is blue and right half red, with a GPS tag in its EXIF."""
    image = Image.new("RGB", size, "#2050c0")
    image.paste("#d02020", (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (29.0, 54.0, 0.0)}
    image.save(path, "JPEG", exif=exif)
    return path


def cut(source: Path, focus: tuple = ()) -> covers.Covers:
    """The covers a cutter with no build behind it cuts from `source` (1080 px, quality 85)."""
    return covers.Cutter.alone(1080, 85).from_image(source, focus)


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def mean_colour(data: bytes) -> tuple[int, int, int]:
    """The picture's average colour."""
    return decode(data).convert("RGB").resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))


def near(colour: tuple[int, int, int], hex_colour: str) -> bool:
    target = tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return all(abs(a - b) <= 6 for a, b in zip(colour, target))


def test_cover_sizes_and_format(tmp_path):
    made = cut(halves(tmp_path / "a.jpg"), ())
    assert sorted(made.files) == ["cover-1.jpg", "cover-235.jpg", "cover.jpg"]
    assert decode(made.files["cover-235.jpg"]).size == (900, 383)
    assert decode(made.files["cover-1.jpg"]).size == (500, 500)
    assert decode(made.files["cover.jpg"]).size == (1080, 675)
    assert {decode(d).format for d in made.files.values()} == {"JPEG"}
    assert not made.drawn and not made.upscaled


def test_crop_strings_match_the_api_format_and_describe_the_crops(tmp_path):
    made = cut(halves(tmp_path / "a.jpg"), (0.3, 0.7))
    for crop, ratio in ((made.crop_235_1, 2.35), (made.crop_1_1, 1.0)):
        assert CROP.match(crop), crop
        x1, y1, x2, y2 = map(float, crop.split("_"))
        assert 0 <= x1 < x2 <= 1 and 0 <= y1 < y2 <= 1
        assert (x2 - x1) * 1080 / ((y2 - y1) * 675) == pytest.approx(ratio, rel=0.01)


def test_crop_string_rounding():
    assert covers.crop_string((0, 0, 900, 383), (900, 383)) == "0_0_1_1"
    assert covers.crop_string((200, 0, 700, 500), (900, 500)) == "0.222222_0_0.777778_1"


def test_the_focus_point_decides_what_the_crops_keep(tmp_path):
    source = halves(tmp_path / "a.jpg", (2400, 800))  # each half is wider than the square crop
    right = cut(source, (0.95, 0.5))
    left = cut(source, (0.05, 0.5))
    assert near(mean_colour(right.files["cover-1.jpg"]), "#d02020")
    assert near(mean_colour(left.files["cover-1.jpg"]), "#2050c0")
    assert float(right.crop_1_1.split("_")[0]) > 0.3 and left.crop_1_1.startswith("0_")
    assert right.crop_1_1.split("_")[2] == "1"  # clamped to the picture's edge, still square


def test_crop_box_stays_inside_the_picture():
    assert covers.crop_box((1000, 1000), 2.35, (0.5, 0.0)) == (0, 0, 1000, 426)
    assert covers.crop_box((1000, 1000), 2.35, (0.5, 1.0)) == (0, 574, 1000, 1000)
    assert covers.crop_box((2000, 500), 1.0, (0.5, 0.5)) == (750, 0, 1250, 500)


def test_upright_photos_default_to_their_upper_third():
    assert covers.default_focus((600, 900)) == (0.5, 1 / 3)
    assert covers.default_focus((900, 600)) == (0.5, 0.5)


def test_exif_is_stripped_and_rotation_applied(tmp_path):
    source = tmp_path / "turned.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view"
    exif[0x010F] = "PhoneMaker"
    Image.new("RGB", (1600, 1000), "#888888").save(source, "JPEG", exif=exif)
    made = cut(source, ())
    assert decode(made.files["cover.jpg"]).size == (1000, 1600)
    for data in made.files.values():
        assert not decode(data).getexif() and b"Exif" not in data and b"PhoneMaker" not in data


def test_same_input_gives_the_same_bytes(tmp_path):
    source = halves(tmp_path / "a.jpg")
    assert cut(source, (0.4, 0.4)) == cut(source, (0.4, 0.4))


def test_small_pictures_are_flagged_as_upscaled(tmp_path):
    made = cut(halves(tmp_path / "small.jpg", (640, 480)), ())
    assert made.upscaled and decode(made.files["cover-235.jpg"]).size == (900, 383)


def test_transparent_png_is_flattened_onto_white(tmp_path):
    source = tmp_path / "logo.png"
    Image.new("RGBA", (1000, 1000), (0, 0, 0, 0)).save(source)
    made = cut(source, ())
    assert decode(made.files["cover-1.jpg"]).convert("RGB").getpixel((250, 250)) >= (250, 250, 250)


def test_unreadable_picture_raises_value_error(tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a picture")
    with pytest.raises(ValueError):
        cut(broken, ())


def test_drawn_cover_when_a_page_has_no_picture():
    font = covers.find_font()
    assert font is not None, "a CJK font is needed (make fonts)"
    made = covers.drawn("关于文明过节的倡议书", "文明常山", "#b22222", font, 85)
    assert made.drawn
    assert decode(made.files["cover.jpg"]).size == (900, 500)
    assert decode(made.files["cover-235.jpg"]).size == (900, 383)
    assert decode(made.files["cover-1.jpg"]).size == (500, 500)
    assert (made.crop_235_1, made.crop_1_1) == ("0_0.116_1_0.882", "0.222222_0_0.777778_1")
    # white title pixels inside the square crop, which both crops share
    square = decode(made.files["cover-1.jpg"]).convert("L")
    assert square.crop((0, 100, 500, 400)).getextrema()[1] > 240
    assert made == covers.drawn("关于文明过节的倡议书", "文明常山", "#b22222", font, 85)


def test_title_wrapping_never_starts_a_line_with_punctuation():
    lines = covers.wrap("文明过节，从我做起。", lambda text: len(text) * 10, 50)
    assert lines == ["文明过节，", "从我做起。"]
    assert all(line[0] not in "，。" for line in lines)


def test_title_wrapping_breaks_between_phrases_and_keeps_names_whole():
    title = "新时代文明实践站网格员何桂英开展垃圾分类上门指导"
    measure = lambda text: len(text) * 10  # noqa: E731 - a fixed-pitch font
    for width in range(60, 130, 10):
        lines = covers.wrap(title, measure, width, keep=("何桂英",))
        joined = "|".join(lines)
        assert "".join(lines) == title and max(map(measure, lines)) <= width
        for word in ("新时代", "网格员", "何桂英", "垃圾", "文明"):
            assert not any(word[:i] + "|" + word[i:] in joined for i in range(1, len(word))), lines


def test_drawn_cover_of_a_long_title_fits_between_phrases():
    font = covers.find_font()
    made = covers.drawn("争做有礼常山人 共建省示范文明县城倡议书", "文明常山", "#b22222", font, 85)
    assert decode(made.files["cover-1.jpg"]).size == (500, 500)


def test_source_choice_prefers_cover_then_photo_then_first_body_image(tmp_path):
    content = tmp_path / "content"
    (content / "stories").mkdir(parents=True)
    for name in ("cover.jpg", "photo.jpg", "body.jpg"):
        Image.new("RGB", (10, 10)).save(content / "stories" / name)
    site = Site((), content)
    images = Rendered("", images=[])

    def story(**extra) -> Page:
        meta = Story(title="好人", date=date(2024, 1, 1), **extra)
        return Page("stories/a.md", "story", meta, "", 5, "a", {("cover",): (3, 1), ("photo",): (4, 1)})

    assert covers.choose_source(story(cover="cover.jpg", photo="photo.jpg"), images, site) == (
        (content / "stories/cover.jpg").resolve(), ("cover",))
    assert covers.choose_source(story(photo="photo.jpg"), images, site)[1] == ("photo",)
    with_body = Rendered("", images=[ImageRef("body.jpg", "/m/body.jpg", "图", 6)])
    assert covers.choose_source(story(), with_body, site)[0].name == "body.jpg"
    assert covers.choose_source(story(), images, site) == (None, ("cover",))


def _staged(tmp_path: Path, source: Path, copy: Path) -> covers.Cutter:
    """A cutter whose build staged `copy` as the site's published copy of `source`."""
    folder = tmp_path / "staging"
    (folder / "media").mkdir(parents=True)
    shutil.copy(copy, folder / "media/photo.jpg")
    return covers.Cutter(Copies(1080, 85, folder, {source: "media/photo.jpg"}))


def test_covers_are_cut_from_the_copy_the_build_staged(tmp_path):
    source = halves(tmp_path / "photo.jpg")
    staged = Image.new("RGB", (1080, 675), "#20a040")
    staged.save(tmp_path / "green.jpg", "JPEG", quality=85)
    made = _staged(tmp_path, source, tmp_path / "green.jpg").from_image(source, ())
    assert made.files["cover.jpg"] == (tmp_path / "green.jpg").read_bytes()
    assert near(mean_colour(made.files["cover-1.jpg"]), "#20a040")
    other = halves(tmp_path / "other.jpg")  # not staged: prepared as the site would publish it
    elsewhere = _staged(tmp_path / "b", source, tmp_path / "green.jpg")
    assert elsewhere.from_image(other, ()) == cut(other)


def test_covers_cut_ahead_are_handed_out_once_to_each_page_that_asked(tmp_path):
    first, second = halves(tmp_path / "a.jpg"), halves(tmp_path / "b.jpg", (1000, 1600))
    expected = {name: cut(name, (0.3, 0.6)) for name in (first, second)}
    cutter = covers.Cutter.alone(1080, 85)
    cutter.cut_ahead([(first, (0.3, 0.6)), (second, (0.3, 0.6)), (first, (0.3, 0.6))], jobs=2)
    first.unlink()
    second.unlink()  # what was cut ahead no longer needs the photos
    assert [cutter.from_image(p, (0.3, 0.6)) for p in (first, first, second)] == [
        expected[first], expected[first], expected[second]]
    with pytest.raises(ValueError, match="打不开封面图 a.jpg"):
        cutter.from_image(first, (0.3, 0.6))  # handed out to both pages: nothing kept


def test_a_cutter_sent_to_a_spawned_worker_reads_the_staged_copy(tmp_path):
    """Spawned workers (Windows, macOS) get the cutter pickled: the covers cut ahead stay behind,
    and the worker reads the staged copy instead of preparing the photo again."""
    source = halves(tmp_path / "photo.jpg")
    Image.new("RGB", (1080, 675), "#20a040").save(tmp_path / "green.jpg", "JPEG", quality=85)
    cutter = _staged(tmp_path, source, tmp_path / "green.jpg")
    cutter.cut_ahead([(source, ()), (halves(tmp_path / "other.jpg"), ())], jobs=2)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        made = pool.submit(cutter.from_image, source, ()).result()
    assert made.files["cover.jpg"] == (tmp_path / "green.jpg").read_bytes()
    assert made == cutter.from_image(source, ())  # the one cut ahead, still here
