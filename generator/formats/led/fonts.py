"""Find a CJK font for a screen: the profile's, then the site's, then well-known system
locations."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

from generator.base import hashing
from generator.config import Screen, SiteConfig
from generator.base.errors import SiteError, error

# below this size a bold face smudges on a 1-bit grid; above it bold reads better from afar
BOLD_FROM = 20

# (regular, bold) pairs in order of preference; either may be missing on a machine.
WELL_KNOWN: tuple[tuple[str, str], ...] = (
    (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    ),
    (
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
    ),
    (
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc",
    ),
    (
        "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
        "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Bold.otf",
    ),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", ""),
    ("/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc", ""),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", ""),
    ("C:/Windows/Fonts/msyh.ttc", "C:/Windows/Fonts/msyhbd.ttc"),
    ("C:/Windows/Fonts/simhei.ttf", ""),
    ("/System/Library/Fonts/PingFang.ttc", ""),
    ("/Library/Fonts/Microsoft/SimHei.ttf", ""),
)

INSTALL_HINT = ("Debian/Ubuntu 运行 sudo apt-get install fonts-noto-cjk（或 make fonts）；"
                "Fedora 运行 sudo dnf install google-noto-sans-cjk-fonts；Windows 自带微软雅黑；"
                "也可以在 site_config.yaml 的 led.font 里写上一个中文字体文件的路径。")


@dataclass(frozen=True)
class FontFace:
    """One face of a font file: its path, its index inside a .ttc collection, and a digest of the
    file."""

    path: Path
    index: int
    digest: str


@dataclass(frozen=True)
class FontChoice:
    """The faces a screen draws with: regular for small sizes, bold (when there is one) for large
    ones."""

    regular: FontFace
    bold: FontFace | None = None

    def face_for(self, size: int) -> FontFace:
        """The face to use at a pixel size."""
        return self.bold if self.bold is not None and size >= BOLD_FROM else self.regular


class FontBook:
    """Fonts by face and size for one screen, at most `keep` of them open at a time.

    FreeType maps the font file once per open size, and every glyph drawn or measured pulls about
    64 KB of a 20 MB CJK file into that mapping: a screen's 20–25 sizes held 70–105 MB. The layout
    and the drawing keep what they learnt from a font (advances, ink boxes, glyph coverage) in their
    own caches, so a size closed here is reopened (about 1 ms) only for a glyph not seen at it yet.
    """

    def __init__(self, keep: int = 1):
        self.keep = keep
        self._loaded: OrderedDict = OrderedDict()
        self.opened = 0  # faces opened so far (reopening counts again)

    def is_open(self, face: FontFace, size: int) -> bool:
        """Whether the face at this size is open now (asking for it costs no reopening)."""
        return (face.path, face.index, size) in self._loaded

    def get(self, face: FontFace, size: int) -> ImageFont.FreeTypeFont:
        """The font object for a face at a pixel size."""
        key = (face.path, face.index, size)
        found = self._loaded.get(key)
        if found is not None:
            self._loaded.move_to_end(key)
            return found
        # BASIC layout: Chinese needs no shaping, and it gives the same pixels with or without
        # libraqm.
        found = ImageFont.truetype(str(face.path), size, index=face.index,
                                   layout_engine=ImageFont.Layout.BASIC)
        self.opened += 1
        self._loaded[key] = found
        while len(self._loaded) > self.keep:
            self._loaded.popitem(last=False)
        return found


def find_font(screen: Screen, cfg: SiteConfig, candidates: tuple[tuple[str, str], ...] = WELL_KNOWN
              ) -> FontChoice | SiteError:
    """The font for a screen, or a Chinese error saying how to install one."""
    for where, configured in (
        (f"led.screens 里 {screen.name} 的 font", screen.font),
        ("led.font", cfg.led.font),
    ):
        if configured:
            return _configured(cfg, where, configured)
    for regular, bold in candidates:
        try:
            if Path(regular).is_file():
                return FontChoice(
                    _face(Path(regular)),
                    _face(Path(bold)) if bold and Path(bold).is_file() else None,
                )
        except OSError:
            continue  # a damaged system font: try the next one
    return error(
        cfg.root / "site_config.yaml",
        1,
        "找不到中文字体，无法生成 LED 屏幕画面",
        INSTALL_HINT,
        code="led.font",
    )


def _configured(cfg: SiteConfig, where: str, configured: str) -> FontChoice | SiteError:
    """The font file a config names, or an error saying what is wrong with it."""
    config_path = cfg.root / "site_config.yaml"
    path = cfg.resolve(configured)
    if not path.is_file():
        return error(config_path, 1, f"{where} 指定的字体文件 “{configured}” 不存在",
                     f"检查路径（相对于 site_config.yaml 所在的文件夹）。{INSTALL_HINT}", code="led.font")
    try:
        return FontChoice(_face(path))
    except OSError:
        return error(config_path, 1, f"{where} 指定的 “{configured}” 不是能用的字体文件",
                     f"换一个 .ttf、.otf 或 .ttc 中文字体。{INSTALL_HINT}", code="led.font")


def _face(path: Path) -> FontFace:
    """A face of a font file; OSError when FreeType cannot read it."""
    index = _simplified_index(path)
    ImageFont.truetype(str(path), 12, index=index)
    return FontFace(path, index, _digest(path))


def _simplified_index(path: Path) -> int:
    """In a collection (.ttc), the Simplified Chinese face (Noto … SC, PingFang SC); else the first
    face."""
    for index in range(32):
        try:
            family = ImageFont.truetype(str(path), 12, index=index).getname()[0] or ""
        except OSError:
            break
        if family.endswith(" SC") or " SC " in family:
            return index
    return 0


def _digest(path: Path) -> str:
    """A fingerprint of a font file: its size and its first and last MiB.

    An OpenType file opens with a table directory holding a checksum of every table, so this changes
    whenever the font does, without reading 20 MB on every build."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(1 << 20)
        handle.seek(max(0, size - (1 << 20)))
        tail = handle.read(1 << 20)
    return hashing.sha256_hex(str(size).encode() + head + tail)[:16]
