"""Published images: EXIF (GPS included) stripped, wide ones resized, unreadable ones refused."""
import io

import pytest
from PIL import Image

from generator.render.images import prepare


def _jpeg_with_gps(width: int) -> bytes:
    image = Image.new("RGB", (width, width // 2), (200, 100, 50))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825)[2] = (29.0, 54.0, 0.0)  # GPSLatitude
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_exif_is_stripped_and_width_capped():
    raw = _jpeg_with_gps(2400)
    assert Image.open(io.BytesIO(raw)).getexif()
    result = Image.open(io.BytesIO(prepare(raw, 1080, 85)))
    assert result.size == (1080, 540)
    assert not result.getexif() and "exif" not in result.info


def test_small_images_keep_their_size_and_output_is_deterministic():
    raw = _jpeg_with_gps(400)
    assert prepare(raw, 1080, 85) == prepare(raw, 1080, 85)
    assert Image.open(io.BytesIO(prepare(raw, 1080, 85))).size == (400, 200)


@pytest.mark.parametrize("raw,message", [(b"", "空文件"), (b"not an image", "打不开")])
def test_bad_images_are_refused(raw, message):
    with pytest.raises(ValueError, match=message):
        prepare(raw, 1080, 85)


def _phone_photo(width: int, height: int, **extra) -> bytes:
    """A noisy photo as a phone writes it: EXIF with maker, time and GPS, an XMP packet, a comment, an ICC profile."""
    from PIL import ImageCms

    image = Image.merge("RGB", [Image.effect_noise((width, height), s) for s in (30, 50, 70)])
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0132] = "PhoneMaker", "Phone 12", "2024:05:01 08:00:00"
    exif.get_ifd(0x8825).update({1: "N", 2: (28.0, 54.0, 12.5), 3: "E", 4: (118.0, 30.0, 7.25)})
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif, icc_profile=icc, comment=b"Shot at Baishi 28.9N",
               xmp=b"<x:xmpmeta><GPSLatitude>28,54N</GPSLatitude></x:xmpmeta>", **extra)
    return out.getvalue()


@pytest.mark.parametrize("progressive", [False, True])
def test_a_jpeg_that_fits_loses_its_metadata_but_not_one_pixel(progressive):
    raw = _phone_photo(800, 600, progressive=progressive)
    assert b"Exif" in raw and b"GPSLatitude" in raw and b"Baishi" in raw
    published = prepare(raw, 1080, 85)
    assert Image.open(io.BytesIO(published)).tobytes() == Image.open(io.BytesIO(raw)).tobytes(), "pixels changed"
    result = Image.open(io.BytesIO(published))
    assert not result.getexif() and "exif" not in result.info and "comment" not in result.info
    assert "xmp" not in result.info and "icc_profile" in result.info, "the colour profile is kept on purpose"
    for trace in (b"Exif", b"PhoneMaker", b"Phone 12", b"2024:05:01", b"GPSLatitude", b"Baishi", b"xmpmeta"):
        assert trace not in published, f"{trace!r} is still in the published file"
    assert len(published) < len(raw)


def test_metadata_after_the_image_and_in_later_scans_is_dropped_too():
    raw = _phone_photo(320, 240, progressive=True)
    # A COM segment between two progressive scans, and a trailer (as phones append previews) after the end.
    first_scan = raw.index(b"\xff\xda")
    second = raw.index(b"\xff\xc4", first_scan) if b"\xff\xc4" in raw[first_scan:] else raw.index(b"\xff\xda", first_scan + 2)
    comment = b"\xff\xfe" + (2 + 9).to_bytes(2, "big") + b"GPS 28.9N"
    doctored = raw[:second] + comment + raw[second:] + b"\xff\xd8\xff\xe1\x00\x0aExif\x00\x00GPS"
    published = prepare(doctored, 1080, 85)
    assert b"GPS" not in published and published.endswith(b"\xff\xd9")
    assert Image.open(io.BytesIO(published)).tobytes() == Image.open(io.BytesIO(raw)).tobytes()


def test_a_wide_phone_photo_is_decoded_at_reduced_scale_and_resized(monkeypatch):
    from PIL import JpegImagePlugin

    asked = []
    draft = JpegImagePlugin.JpegImageFile.draft
    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft",
                        lambda self, mode, size: asked.append(size) or draft(self, mode, size))
    result = Image.open(io.BytesIO(prepare(_phone_photo(2400, 1800), 1080, 85)))  # 2.2 × too wide
    assert asked == [(1080, 810)] and result.size == (1080, 810)
    assert not result.getexif() and "icc_profile" not in result.info


def test_a_phone_photo_and_all_its_copies_come_from_one_draft_decode(monkeypatch):
    from PIL import ImageFile, JpegImagePlugin

    from generator.render.images import prepare_all

    asked, decoded = [], []
    draft, load = JpegImagePlugin.JpegImageFile.draft, ImageFile.ImageFile.load
    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft",
                        lambda self, mode, size: asked.append(size) or draft(self, mode, size))
    monkeypatch.setattr(ImageFile.ImageFile, "load",
                        lambda self: (self.tile and decoded.append(self.size)) or load(self))
    raw = _phone_photo(2400, 1800)
    files = prepare_all(raw, 1080, 85)
    assert asked == [(1080, 810)] and decoded == [(1200, 900)], "one decode, at half scale"
    monkeypatch.undo()
    sizes = {name: Image.open(io.BytesIO(data)).size for name, data in files.items()}
    assert sizes == {"": (1080, 810), ".480w.jpg": (480, 360), ".800w.jpg": (800, 600),
                     ".webp": (1080, 810), ".480w.webp": (480, 360), ".800w.webp": (800, 600)}
    formats = {name: Image.open(io.BytesIO(data)).format for name, data in files.items()}
    assert {formats[n] for n in ("", ".480w.jpg", ".800w.jpg")} == {"JPEG"}
    assert {formats[n] for n in (".webp", ".480w.webp", ".800w.webp")} == {"WEBP"}
    for name, data in files.items():
        for trace in (b"Exif", b"PhoneMaker", b"GPSLatitude", b"Baishi", b"xmpmeta"):
            assert trace not in data, f"{trace!r} in the {name or 'published'} copy"
    assert prepare_all(raw, 1080, 85) == files, "the same bytes every time"
    assert files[""] == prepare(raw, 1080, 85), "the published copy does not depend on the copies"


def test_a_jpeg_that_fits_stays_lossless_beside_its_copies():
    from generator.render.images import prepare_all

    raw = _phone_photo(600, 800)
    files = prepare_all(raw, 1080, 85)
    assert files[""] == prepare(raw, 1080, 85)
    assert Image.open(io.BytesIO(files[""])).tobytes() == Image.open(io.BytesIO(raw)).tobytes()
    assert sorted(files) == ["", ".480w.jpg", ".480w.webp", ".webp"]
    assert Image.open(io.BytesIO(files[".480w.webp"])).size == (480, 640)


def test_the_plan_turns_caps_and_lists_copies_by_format():
    from generator.render.images import plan

    assert plan((4000, 3000), 1, "JPEG", 1080).widths == (480, 800, 1080)
    turned = plan((4000, 3000), 6, "JPEG", 1080)
    assert (turned.width, turned.height, turned.widths) == (1080, 1440, (480, 800, 1080))
    assert plan((300, 200), 1, "JPEG", 1080).widths == (300,)
    png = plan((2000, 1000), 1, "PNG", 1080)
    assert (png.width, png.height, png.widths, png.webp) == (1080, 540, (1080,), False)
    gif = plan((2000, 1000), 1, "GIF", 1080)
    assert (gif.width, gif.widths, gif.webp) == (2000, (2000,), False), "GIFs are kept as they are"


def test_an_image_url_knows_its_copies_and_compares_with_its_size():
    from generator.render.images import ImageURL

    url = ImageURL("/w/media/a.jpg", 1080, 810, (480, 800, 1080), True)
    assert url == "/w/media/a.jpg" and str(url) == "/w/media/a.jpg"
    assert url.srcset() == ("/w/media/a.480w.jpg 480w, /w/media/a.800w.jpg 800w, "
                            "/w/media/a.jpg 1080w")
    assert url.srcset("webp").endswith("/w/media/a.webp 1080w")
    assert url != ImageURL("/w/media/a.jpg", 1080, 600, (480, 800, 1080), True), "another size"
    html = url.picture("老人 & 志愿者", lazy=False, sizes="9rem", css="portrait")
    assert html.startswith('<picture><source type="image/webp" srcset="/w/media/a.480w.webp 480w')
    assert 'alt="老人 &amp; 志愿者"' in html and 'width="1080" height="810"' in html
    assert 'class="portrait"' in html and "loading" not in html and 'sizes="9rem"' in html
    assert "loading=\"lazy\"" in url.picture("x")
    small = ImageURL("/w/media/s.jpg", 300, 200, (300,), True).picture("小")
    assert small.startswith('<picture><source type="image/webp" srcset="/w/media/s.webp"><img ')
    assert "sizes" not in small and "300w" not in small
    plain = ImageURL("/w/media/b.png", 600, 400).picture("图")
    assert plain.startswith("<img ") and "srcset" not in plain and 'width="600"' in plain


def test_a_wide_png_keeps_its_transparency():
    image = Image.new("P", (2000, 1000), 0)
    image.putpalette([255, 255, 255, 200, 30, 30])
    image.paste(1, (500, 250, 1500, 750))
    out = io.BytesIO()
    image.save(out, "PNG", transparency=0)
    published = Image.open(io.BytesIO(prepare(out.getvalue(), 1080, 85)))
    assert published.size == (1080, 540)
    assert published.convert("RGBA").getpixel((10, 10))[3] == 0, "the clear background stays clear"


def test_copies_of_a_cmyk_jpeg_are_rgb_without_its_cmyk_profile():
    from generator.render.images import prepare_all

    out = io.BytesIO()
    Image.new("CMYK", (900, 600), (0, 200, 200, 0)).save(out, "JPEG", icc_profile=b"\0" * 128)
    files = prepare_all(out.getvalue(), 1080, 85)
    webp = Image.open(io.BytesIO(files[".webp"]))
    assert webp.mode == "RGB" and "icc_profile" not in webp.info
    assert Image.open(io.BytesIO(files[".480w.jpg"])).mode == "RGB"


def test_a_png_orientation_is_read_from_its_exif_chunk_without_decoding_the_pixels():
    import io

    from PIL import Image

    from generator.render.images import orientation_of

    plain, turned = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(plain, format="PNG")
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.new("RGB", (64, 48), "red").save(turned, format="PNG", exif=exif)
    with Image.open(io.BytesIO(plain.getvalue())) as image:
        assert orientation_of(image) == 1
        assert image.tile  # still waiting to be decoded: load() empties it
    with Image.open(io.BytesIO(turned.getvalue())) as image:
        assert orientation_of(image) == 6
