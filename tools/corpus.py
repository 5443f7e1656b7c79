"""A deterministic synthetic corpus of realistic Chinese stories, activities and letters for
benchmarks."""

from __future__ import annotations

import io
import random
import struct
import zlib
from pathlib import Path

TOWNS = ["白石镇", "紫港街道", "天马街道", "球川镇", "青石镇", "招贤镇", "辉埠镇", "芳村镇", "何家乡", "新昌乡"]
TEAMS = ["柚见好邻里", "头雁战队", "互助养老服务队", "文明监督队", "红色物业联盟", "8090宣讲团", "柚苑诗词队"]
CATEGORIES = ["助人为乐", "见义勇为", "诚实守信", "敬业奉献", "孝老爱亲"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "建国志强美娟秀英晓燕海峰永福彩霞丽华国庆春梅文斌明亮小芳红梅德胜玉兰"
PHRASES = [
    "社区志愿者一早就来到了集镇主干道", "大家分工协作，清扫街巷、整理车棚", "老人们拉着志愿者的手连声道谢",
    "这项工作已经坚持了整整五年", "群众的满意就是我们工作的标准", "邻里之间的距离一下子拉近了",
    "文明创建离不开每一位居民的参与", "网格员挨家挨户上门宣传垃圾分类", "孝老长廊里传出阵阵笑声",
    "“早上好”精神成了社区干部的口头禅", "新建的电瓶车棚解决了充电难题", "便民八单把服务送到了群众家门口",
    "圩日里的文明劝导吸引了不少赶集的村民", "柚苑诗词队自编自演的小品赢得满堂喝彩", "消防安全演习让独居老人学会了自救",
]
LINK = "[县文明网](https://www.example.org/news/{n})"


def _paragraph(rng: random.Random, sentences: int) -> str:
    parts = [rng.choice(PHRASES) for _ in range(sentences)]
    return "，".join(parts) + "。"


def _body(rng: random.Random, n: int) -> str:
    blocks = []
    while sum(len(b) for b in blocks) < rng.randint(1200, 2500):
        kind = rng.random()
        if kind < 0.12:
            blocks.append(f"## {rng.choice(PHRASES)[:8]}")
        elif kind < 0.22:
            blocks.append("\n".join(f"- {rng.choice(PHRASES)}" for _ in range(3)))
        elif kind < 0.30:
            blocks.append(f"**{rng.choice(PHRASES)}。**{_paragraph(rng, 2)}详见{LINK.format(n=n)}。")
        elif kind < 0.34:
            blocks.append("![志愿者在社区里服务](../images/bench.png)")
        else:
            blocks.append(_paragraph(rng, rng.randint(3, 6)))
    return "\n\n".join(blocks) + "\n"


def _front(rng: random.Random, kind: str, n: int, day: str) -> list[str]:
    name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
    town = rng.choice(TOWNS)
    lines = [
        f"title: {town}{rng.choice(PHRASES)[:10]}（{n}）",
        f"date: {day}",
        f"summary: {_paragraph(rng, 2)[:60]}",
        f"tags: [{rng.choice(CATEGORIES)}, {town}]",
        "author: 通讯员",
        "source: 常山县文明办",
        "editor: 编辑部",
    ]
    if kind == "story":
        lines += [f"person: {name}", f"category: {rng.choice(CATEGORIES)}", f"honour: 常山好人（第{n}期）",
                  "honour_level: 县", f"township: {town}", f"consent: {{who: {name}, date: {day}}}"]
    elif kind == "activity":
        lines += [
            f"start: {day} 08:30",
            f"end: {day} 11:30",
            f"place: {town}",
            f"team: {rng.choice(TEAMS)}",
            f"participants: {rng.randint(10, 80)}",
            f"service_hours: {rng.randint(20, 300)}",
        ]
    else:
        lines += ["issuer: [常山县文明办]", f"signed: {day}", "salutation: 广大市民朋友们"]
    return lines


def write_corpus(root: Path, count: int, seed: int = 20261126, photos: int = 0) -> list[Path]:
    """Write `count` pages (stories, activities and letters, 6:3:1) under root/content; return their
    paths.

    With `photos`, that many pages (spread evenly) carry a phone photo of their own (see
    phone_photo) as their photo or cover, and every page goes to the LED screens: all to `gate`,
    every tenth to `hall` as well.
    """
    rng = random.Random(seed)
    with_photo = {n * count // photos for n in range(photos)} if photos else set()
    written = []
    (root / "content/images").mkdir(parents=True, exist_ok=True)
    (root / "content/images/bench.png").write_bytes(solid_png(1200, 800, (196, 120, 80)))
    for n in range(count):
        kind = "letter" if n % 10 == 9 else ("activity" if n % 10 >= 6 else "story")
        folder = {"story": "stories", "activity": "activities", "letter": "letters"}[kind]
        day = f"{2020 + n % 6}-{1 + n % 12:02d}-{1 + n % 28:02d}"
        front = _front(rng, kind, n, day)
        if photos:
            front += _mix_front(root, kind, n, n in with_photo)
        text = "---\n" + "\n".join(front) + "\n---\n" + _body(rng, n)
        path = root / "content" / folder / f"{day}-{n:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _mix_front(root: Path, kind: str, n: int, photo: bool) -> list[str]:
    """The real mix's extra front matter: the page's LED screens and, for some pages, a phone photo.
    """
    lines = [f"led: {{screens: [gate{', hall' if n % 10 == 0 else ''}]}}"]
    if not photo:
        return lines
    name = f"images/phone-{n:05d}.jpg"
    (root / "content" / name).write_bytes(phone_photo(n))
    if kind == "story":
        return lines + [
            f"photo: {name}",
            "photo_alt: 志愿者在社区里服务",
            f"cover: {name}",
            "cover_alt: 志愿服务现场",
        ]
    if kind == "activity":
        return lines + [
            f"photos: [{{src: {name}, alt: 活动现场}}]",
            f"cover: {name}",
            "cover_alt: 活动现场",
        ]
    return lines + [f"cover: {name}", "cover_alt: 倡议活动现场"]


def phone_photo(seed: int, size: tuple[int, int] = (4000, 3000)) -> bytes:
    """A 4000×3000 JPEG like a phone's (about 4 MB): grainy, with EXIF (maker, model, time) and a
    GPS position."""
    from PIL import Image, ImageChops  # the real mix needs Pillow; the text corpus does not

    width, height = size
    rng = random.Random(seed)
    blobs = Image.effect_noise((width // 40, height // 40), 90).resize(
        size, Image.Resampling.BILINEAR
    )
    grain = Image.effect_noise(size, 30 + seed % 20)
    gradient = Image.linear_gradient("L").resize(size)
    channels = [
        ImageChops.add(ImageChops.multiply(blobs, gradient), grain, 2, rng.randint(-40, 40)),
        ImageChops.offset(blobs, rng.randint(0, width), 0),
        ImageChops.blend(gradient, grain, 0.4),
    ]
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0132] = (
        "PhoneMaker",
        "Phone 12",
        f"2024:05:{1 + seed % 28:02d} 08:00:00",
    )
    exif.get_ifd(0x8825).update(
        {1: "N", 2: (28.0, 54.0, seed % 60 + 0.5), 3: "E", 4: (118.0, 30.0, 7.25)}
    )
    out = io.BytesIO()
    Image.merge("RGB", channels).save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


def solid_png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A one-colour PNG made with the standard library, so the corpus needs no imaging package."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )
    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height, 9))
        + chunk(b"IEND", b"")
    )
