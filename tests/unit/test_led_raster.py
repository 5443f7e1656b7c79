"""LED frames: exact sizes, only the screen's colours, no clipped glyphs, rotation, photos, marks, fonts and caching."""
from __future__ import annotations

import io
from dataclasses import replace
from functools import lru_cache, partial
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageDraw, ImageOps, UnidentifiedImageError

from generator import config
from generator.model import content
from generator.formats.led import raster, render_led
from generator.formats.led.fonts import FontBook, find_font
from generator.formats.led.layout import Box, fit
from generator.formats.led.metrics import GlyphMeasure
from generator.render.templates import SHIPPED as SHIPPED_TEMPLATES, Templates

REPO = Path(__file__).resolve().parents[2]
SHIPPED = (REPO / "site_config.yaml").read_text(encoding="utf-8")
NOW = datetime(2024, 3, 11, 10, 0)
LONG_TEXTS = [
    ["新时代文明实践站开展“文明礼让斑马线，安全出行你我他”主题志愿服务活动暨2024年第一季度表彰大会"],
    ["阿卜杜热合曼·买买提明", "2023年第三季度“中国好人榜”见义勇为好人"],
    ["Tel: 0570-5012345 常山县文明办", "第19届亚运会Hangzhou 2022志愿者3.5万人次——感谢有你……"],
    ["（一）", "《常山县文明行为促进条例》2024年3月1日起施行！"],
]


def load_config(tmp_path: Path, text: str = SHIPPED) -> config.SiteConfig:
    path = tmp_path / "site_config.yaml"
    path.write_text(text, encoding="utf-8")
    return config.load(path)


def frames_for(screen, paragraphs, cfg, *, photo=None, marked=False):
    """Lay out and draw one slide the way the LED output does; returns (images, frame lines, font size)."""
    font = find_font(screen, cfg)
    book, palette = FontBook(), raster.palette_for(screen)
    font_at = lambda size: book.get(font.face_for(size), size)  # noqa: E731
    layout = raster.plan(screen, photo=raster.photo_size(photo) if photo else None, marked=marked)
    fitted = fit(paragraphs, lambda s: raster.PillowMeasure(font_at(s), palette.smooth),
                 Box(layout.text.width, layout.text.height, screen.is_strip), screen.font_size, screen.min_font_size)
    glyphs_at = glyphs_for(font_at, palette)
    images = [Image.open(io.BytesIO(raster.draw_frame(screen, palette, glyphs_at, layout, fitted, lines, 1, photo)))
              for lines in fitted.frames]
    return images, fitted, font_at


def glyphs_for(font_at, palette):
    """The drawing's glyphs at each size, as the LED output gives them (one measure per size)."""
    return lru_cache(maxsize=None)(lambda size: GlyphMeasure(partial(font_at, size), palette.smooth))


def allowed_rgb(screen) -> set[tuple[int, int, int]]:
    return set(raster.palette_for(screen).colours)


def rgb_colours(image: Image.Image) -> set[tuple[int, int, int]]:
    return {colour for _, colour in image.convert("RGB").getcolors(maxcolors=1 << 20)}


def lit(image: Image.Image) -> int:
    """Pixels that are not background (index or colour 0)."""
    grey = image.convert("RGB").convert("L").point(lambda v: 255 if v else 0)
    return grey.histogram()[255]


@pytest.mark.parametrize("name", ["gate", "strip", "board", "hall"])
@pytest.mark.parametrize("paragraphs", LONG_TEXTS, ids=["title", "name", "latin", "brackets"])
def test_every_frame_has_the_exact_size_and_only_allowed_colours(tmp_path, name, paragraphs):
    cfg = load_config(tmp_path)
    screen = cfg.screen(name)
    images, fitted, _ = frames_for(screen, paragraphs, cfg)
    assert images
    for image in images:
        assert image.size == screen.size
        if screen.colour != "full":
            assert image.mode == "P"
            assert rgb_colours(image) <= allowed_rgb(screen), "a grey or foreign colour on a mono/dual screen"
        assert image.getpixel((0, 0)) in (0, (0, 0, 0)), "the background is not dark"


@pytest.mark.parametrize("name", ["gate", "strip", "board", "hall"])
@pytest.mark.parametrize("paragraphs", LONG_TEXTS, ids=["title", "name", "latin", "brackets"])
def test_ink_stays_inside_the_margins_and_no_glyph_is_clipped(tmp_path, name, paragraphs):
    cfg = load_config(tmp_path)
    screen = cfg.screen(name)
    if screen.margins.top == 0:  # make clipping visible: any ink in the margin band is a failure
        screen = replace(screen, margins=replace(screen.margins, top=2, bottom=2, left=3, right=3))
    images, fitted, font_at = frames_for(screen, paragraphs, cfg)
    m = screen.margins
    for image, lines in zip(images, fitted.frames):
        left, top, right, bottom = image.getbbox()
        assert left >= m.left and top >= m.top, f"ink in the margin: {lines}"
        assert right <= screen.width - m.right and bottom <= screen.height - m.bottom, f"ink in the margin: {lines}"
        smooth = raster.palette_for(screen).smooth  # full-colour frames are palette images too, but shaded
        assert lit(image) == sum(alone(font_at(fitted.size), line, smooth) for line in lines), \
            f"a glyph was clipped or lines overlap: {lines}"


def alone(font, line: str, smooth: bool) -> int:
    """Lit pixels of one line drawn on a canvas far bigger than it."""
    canvas = Image.new("L", (4000, 400), 0)
    draw = ImageDraw.Draw(canvas)
    draw.fontmode = "L" if smooth else "1"
    draw.text((100, 200), line, font=font, fill=255, anchor="ls")
    return canvas.point(lambda v: 255 if v else 0).histogram()[255]


def test_mono_frames_are_one_bit_in_the_led_colour(tmp_path):
    cfg = load_config(tmp_path)
    screen = replace(cfg.screen("board"), led_colour="green")
    images, _, _ = frames_for(screen, ["文明常山 有礼有你"], cfg)
    assert rgb_colours(images[0]) == {(0, 0, 0), (0, 255, 0)}
    assert images[0].getpalette()[:6] == [0, 0, 0, 0, 255, 0]


def test_dual_frames_use_only_off_red_green_and_yellow(tmp_path):
    cfg = load_config(tmp_path)
    images, _, _ = frames_for(cfg.screen("strip"), ["张三", "助人为乐好人"], cfg)
    for image in images:
        assert rgb_colours(image) <= {(0, 0, 0), (255, 0, 0), (0, 255, 0), (255, 255, 0)}
    assert (255, 255, 0) in rgb_colours(images[0]), "the first paragraph (the heading) is drawn in yellow"


def test_greyscale_dual_screens_may_shade_but_never_use_blue(tmp_path):
    cfg = load_config(tmp_path)
    images, _, _ = frames_for(replace(cfg.screen("strip"), greyscale=True), ["文明常山"], cfg)
    colours = rgb_colours(images[0])
    assert len(colours) > 4 and all(b == 0 for _, _, b in colours)


@pytest.mark.parametrize("rotation, turn", [("90", Image.Transpose.ROTATE_90), ("180", Image.Transpose.ROTATE_180),
                                            ("270", Image.Transpose.ROTATE_270)])
def test_rotated_screens_get_the_same_picture_turned_clockwise(tmp_path, rotation, turn):
    cfg = load_config(tmp_path)
    upright = cfg.screen("gate")
    turned = replace(upright, rotation=rotation)
    [plain], _, _ = frames_for(upright, ["文明常山"], cfg)
    [image], _, _ = frames_for(turned, ["文明常山"], cfg)
    assert image.size == turned.size
    assert image.transpose(turn).tobytes() == plain.tobytes()


@pytest.mark.parametrize("size", [(100, 400), (400, 300)], ids=["portrait", "landscape"])
def test_photos_are_fitted_beside_the_text_never_stretched(tmp_path, size):
    cfg = load_config(tmp_path)
    photo = tmp_path / "photo.png"
    Image.new("RGB", size, (0, 0, 255)).save(photo)
    screen = cfg.screen("gate")
    [image], _, _ = frames_for(screen, ["张三"], cfg, photo=photo)
    red, _, blue_band = image.convert("RGB").split()
    only_blue = ImageChops.multiply(red.point(lambda v: 255 if v < 50 else 0), blue_band.point(lambda v: 255 if v > 200 else 0))
    left, top, right, bottom = only_blue.getbbox()
    inner_width = screen.width - screen.margins.left - screen.margins.right
    inner_height = screen.height - screen.margins.top - screen.margins.bottom
    assert abs((right - left) / (bottom - top) - size[0] / size[1]) < 0.03, "the photo's shape changed"
    assert right - left <= inner_width * 2 // 5 and bottom - top <= inner_height
    assert (right - left == inner_width * 2 // 5) or (bottom - top == inner_height), "the photo fills its box one way"
    assert left >= screen.margins.left and top >= screen.margins.top
    text_left = image.convert("L").crop((right, 0, screen.width, screen.height)).getbbox()[0] + right
    assert text_left > right, "the text stays beside the photo"


def test_a_photo_turned_by_exif_is_measured_upright(tmp_path):
    photo = tmp_path / "phone.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view"
    Image.new("RGB", (400, 300), (0, 0, 255)).save(photo, exif=exif)
    assert raster.photo_size(photo) == (300, 400)
    (tmp_path / "broken.jpg").write_bytes(b"not an image")
    assert raster.photo_size(tmp_path / "broken.jpg") is None


@pytest.mark.parametrize("orientation", range(1, 9))
def test_a_slide_photo_is_turned_as_exif_transpose_turns_it(tmp_path, orientation):
    photo = tmp_path / "phone.png"
    exif = Image.Exif()
    exif[0x0112] = orientation
    source = Image.new("RGB", (60, 40), (0, 0, 255))
    ImageDraw.Draw(source).rectangle((0, 0, 19, 9), fill=(255, 0, 0))  # a corner shows the turn
    source.save(photo, exif=exif)
    area = raster.Area(0, 0, 50, 50)
    got = raster.fitted_photo(photo, area, raster.Photos())
    with Image.open(photo) as opened:
        upright = ImageOps.exif_transpose(opened).convert("RGB")
    want = ImageOps.contain(upright, (50, 50), Image.Resampling.LANCZOS)
    assert got.size == want.size and ImageChops.difference(got, want).getbbox() is None


def test_unreviewed_frames_carry_a_visible_band(tmp_path):
    cfg = load_config(tmp_path)
    for name in ("board", "gate"):
        screen = cfg.screen(name)
        [marked], _, _ = frames_for(screen, ["文明"], cfg, marked=True)
        [plain], _, _ = frames_for(screen, ["文明"], cfg)
        # Strip screens have no room above the text: their band covers the bottom rows instead.
        band_row = screen.height - screen.margins.bottom - 2 if screen.is_strip else screen.margins.top + 1
        lit_in_band = sum(1 for x in range(screen.width) if marked.convert("RGB").getpixel((x, band_row)) != (0, 0, 0))
        assert lit_in_band > screen.width // 2, f"no 未审定 band on {name}"
        assert marked.tobytes() != plain.tobytes()


def test_no_font_gives_a_chinese_error_saying_how_to_install_one(tmp_path):
    cfg = load_config(tmp_path)
    problem = find_font(cfg.screen("gate"), cfg, candidates=())
    assert "找不到中文字体" in problem.message and "fonts-noto-cjk" in problem.hint


def test_a_configured_font_that_is_missing_is_reported_not_raised(tmp_path):
    cfg = load_config(tmp_path, SHIPPED.replace("led:\n", "led:\n  font: fonts/missing.ttf\n", 1))
    root = tmp_path / "content" / "slides"
    root.mkdir(parents=True)
    (root / "a.md").write_text("---\ntitle: 标语\ndate: 2024-01-01\n---\n文明常山\n", encoding="utf-8")
    site = content.load_site(cfg, tmp_path / "content")
    result = render_led(site, cfg, now=NOW, build_id="t", templates=Templates(SHIPPED_TEMPLATES))
    assert [p.message for p in result.problems] == ["led.font 指定的字体文件 “fonts/missing.ttf” 不存在"]
    assert result.files == {} and result.frames_drawn == 0


def test_the_simplified_chinese_face_is_chosen_from_a_collection(tmp_path):
    cfg = load_config(tmp_path)
    font = find_font(cfg.screen("gate"), cfg)
    name = FontBook().get(font.face_for(16), 16).getname()[0]
    if "Noto" in name:
        assert name.endswith(" SC")


def test_png_frames_have_no_timestamps_or_text(tmp_path):
    cfg = load_config(tmp_path)
    screen = cfg.screen("board")
    font = find_font(screen, cfg)
    book, palette = FontBook(), raster.palette_for(screen)
    layout = raster.plan(screen, photo=None, marked=False)
    font_at = lambda size: book.get(font.face_for(size), size)  # noqa: E731
    fitted = fit(["文明"], lambda s: raster.PillowMeasure(font_at(s), False), Box(128, 32, True), 16, 12)
    glyphs_at = glyphs_for(font_at, palette)
    data = raster.draw_frame(screen, palette, glyphs_at, layout, fitted, fitted.frames[0], 1)
    assert data == raster.draw_frame(screen, palette, glyphs_at, layout, fitted, fitted.frames[0], 1)
    assert b"tIME" not in data and b"tEXt" not in data and b"iTXt" not in data
    assert data[24:26] == b"\x01\x03", "a mono frame is a 1-bit palette PNG"


def test_scrolling_image_is_one_line_at_the_strip_height(tmp_path):
    cfg = load_config(tmp_path)
    screen = cfg.screen("strip")
    font = find_font(screen, cfg)
    palette = raster.palette_for(screen)
    face = FontBook().get(font.face_for(16), 16)
    pieces = [("文明常山", True), ("有礼有你 Changshan 2024", False)]
    image = Image.open(io.BytesIO(raster.draw_scroll(screen, palette, face, pieces)))
    assert image.size == (raster.scroll_width(screen, palette, face, pieces), 32)
    assert image.crop((0, 0, screen.width, 32)).getbbox() is None, "the text enters from the right edge"
    left, top, right, bottom = image.getbbox()
    assert top >= 0 and bottom <= 32 and right < image.width
    assert rgb_colours(image) <= allowed_rgb(screen)


def test_a_configured_file_that_is_not_a_font_is_reported(tmp_path):
    (tmp_path / "bad.ttf").write_bytes(b"not a font")
    cfg = load_config(tmp_path, SHIPPED.replace("led:\n", "led:\n  font: bad.ttf\n", 1))
    problem = find_font(cfg.screen("gate"), cfg)
    assert problem.message == "led.font 指定的 “bad.ttf” 不是能用的字体文件"


@lru_cache(maxsize=None)
def system_font(size: int):
    path = tmp_config_font()
    return FontBook().get(path.face_for(size), size)


@lru_cache(maxsize=None)
def tmp_config_font():
    cfg = config.SiteConfig(site=config.SiteInfo(title="t", base_url="https://example.gov.cn/"))
    return find_font(config.Screen(name="x", width=64, height=16), cfg)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="文明常山好人。，、“”（）——…… AVTo.fij0123%", min_size=2, max_size=16),
       st.sampled_from([12, 16, 40, 96]), st.booleans())
def test_the_fast_measure_agrees_with_pillow(text, size, smooth):
    font = system_font(size)
    assert raster.PillowMeasure(font, smooth).ink(text) == raster.PillowMeasure(font, smooth, exact=True).ink(text)


def test_when_the_fast_measure_is_wrong_the_exact_one_takes_over(tmp_path, monkeypatch):
    composed = raster.PillowMeasure._composed

    def too_narrow(self, text):
        left, top, right, bottom = composed(self, text)
        return (left, top, right - 40, bottom)  # as if a kerning font made lines look 40 px narrower

    monkeypatch.setattr(raster.PillowMeasure, "_composed", too_narrow)
    cfg = load_config(tmp_path)
    (tmp_path / "content" / "slides").mkdir(parents=True)
    (tmp_path / "content" / "slides" / "a.md").write_text(
        "---\ntitle: 标语\ndate: 2024-01-01\nled: {screens: [gate]}\n---\n" + LONG_TEXTS[0][0] + "\n", encoding="utf-8")
    result = render_led(content.load_site(cfg, tmp_path / "content"), cfg, now=NOW, build_id="t", templates=Templates(SHIPPED_TEMPLATES))
    screen = cfg.screen("gate")
    frames = [Image.open(io.BytesIO(data)) for name, data in result.files.items() if "/frames/" in name]
    assert frames and not result.problems
    for image in frames:
        left, _, right, _ = image.getbbox()
        assert left >= screen.margins.left and right <= screen.width - screen.margins.right


def test_full_colour_frames_without_a_photo_are_shaded_palette_images_in_the_inks(tmp_path):
    cfg = load_config(tmp_path)
    screen = cfg.screen("gate")
    [plain], _, _ = frames_for(screen, ["文明常山", "有礼有你"], cfg)
    [marked], _, _ = frames_for(screen, ["文明常山", "有礼有你"], cfg, marked=True)
    assert plain.mode == "P" and marked.mode == "P", "a palette PNG: a third of the encoding time of RGB"
    colours = rgb_colours(plain)
    assert raster.FULL_HEADING in colours and raster.FULL_BODY in colours, "full-strength ink in the centre of strokes"
    assert len(colours) > 20, "anti-aliased edges keep their shades"
    assert raster.FULL_MARK in rgb_colours(marked) and (255, 255, 255) in rgb_colours(marked)


def test_photos_are_decoded_once_per_size_for_all_frames(tmp_path):
    photo = tmp_path / "phone.jpg"
    Image.new("RGB", (4000, 3000), (0, 0, 255)).save(photo, quality=80)
    photos = raster.Photos()
    area = raster.Area(10, 8, 145, 176)
    first = raster.fitted_photo(photo, area, photos)
    photo.write_bytes(b"gone")  # a second frame of the same render must not open the file again
    assert raster.fitted_photo(photo, area, photos) is first and first.size == (145, 109)


def test_a_photo_is_decoded_once_for_every_screen_and_each_copy_looks_like_a_full_resize(tmp_path):
    import io
    import random

    from PIL import ImageStat

    # A noisy progressive photo (fine detail shows a poor resize); a hall's area and a gate's.
    rng = random.Random(3)
    source = Image.new("RGB", (1200, 800))
    source.putdata([(rng.randrange(256), (x * 7) % 256, (x // 1200) % 256)
                    for x in range(1200 * 800)])
    photo = tmp_path / "photo.jpg"
    source.save(photo, quality=90, progressive=True)
    data = photo.read_bytes()
    photos = raster.Photos({photo: {(704, 960), (145, 176)}})
    hall = photos.fitted(photo, raster.Area(0, 0, 704, 960))
    photo.write_bytes(b"gone")  # the gate's copy comes from the same decode
    gate = photos.fitted(photo, raster.Area(0, 0, 145, 176))
    assert hall.size == (704, 469) and gate.size == (145, 97)
    full = Image.open(io.BytesIO(data)).convert("RGB")

    def error(image):
        want = full.resize(image.size, Image.Resampling.LANCZOS)
        return max(ImageStat.Stat(ImageChops.difference(image, want)).rms)

    assert error(hall) == 0  # the largest copy: Lanczos straight from its decode, as before
    # the gate's copy is no further from a full-size Lanczos than its own draft decode would be
    own = Image.open(io.BytesIO(data))
    own.draft("RGB", (145, 176))
    drafted = ImageOps.contain(own.convert("RGB"), (145, 176), Image.Resampling.LANCZOS)
    assert error(gate) <= error(drafted)


def test_rgb_frames_are_lossless_pngs_pillow_reads_back(tmp_path):
    # Our own RGB writer (no row filter, zlib level 1): Pillow reads every pixel back unchanged, and
    # the file has only the chunks a frame needs.
    import io
    import random
    import struct

    rng = random.Random(7)
    image = Image.new("RGB", (37, 11))
    image.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256))
                   for _ in range(37 * 11)])
    data = raster.encode(image)
    back = Image.open(io.BytesIO(data))
    assert back.format == "PNG" and back.mode == "RGB" and back.size == (37, 11)
    assert back.tobytes() == image.tobytes()
    chunks, at = [], 8
    while at < len(data):
        length = struct.unpack(">I", data[at:at + 4])[0]
        chunks.append(data[at + 4:at + 8])
        at += 12 + length
    assert chunks == [b"IHDR", b"IDAT", b"IEND"]
    assert raster.encode(image) == data


def test_a_fitted_photo_is_let_go_when_no_screen_still_to_come_will_ask_for_it(tmp_path):
    photo = tmp_path / "photo.jpg"
    Image.new("RGB", (1200, 800), (0, 90, 200)).save(photo)
    big, small = raster.Area(0, 0, 704, 960), raster.Area(0, 0, 145, 176)
    photos = raster.Photos()
    photos.keep_only({photo: {(704, 960), (145, 176)}}, {photo: {(145, 176)}})  # the hall's turn
    hall = photos.fitted(photo, big)
    photos.done(photo, big)
    photos.keep_only({photo: {(145, 176)}}, {})  # the gate's turn
    photo.write_bytes(b"gone")  # the gate's copy was made from the hall's decode and kept
    gate = photos.fitted(photo, small)
    photos.done(photo, small)
    assert gate.size == (145, 97) and hall.size == (704, 469)
    with pytest.raises(UnidentifiedImageError):  # nothing kept: asking again decodes the file again
        photos.fitted(photo, small)
