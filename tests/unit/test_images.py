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
