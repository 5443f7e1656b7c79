"""Load site_config.yaml into frozen dataclasses; unknown keys and bad values are all reported at
once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from generator.base import schema, source, yamlio
from generator.base.errors import BuildFailed, FieldError, SiteError, error

DEFAULT_CATEGORIES = ("助人为乐", "见义勇为", "诚实守信", "敬业奉献", "孝老爱亲")
HONOUR_LEVELS = ("县", "市", "省", "中国好人榜")
CHANNELS = ("site", "wechat", "led")
TYPES = ("story", "activity", "letter", "page", "slide")


@dataclass(frozen=True)
class SiteInfo:
    """Who publishes the site and where it lives."""

    title: str
    base_url: str
    organisation: str = ""
    description: str = ""
    language: str = "zh-CN"
    per_page: int = 10
    contact: str = ""
    icp: str = ""  # 备案号 shown in the footer when set
    featured_stories: int = 3

    def __post_init__(self):
        if not self.base_url.startswith(("https://", "http://")):
            raise FieldError("base_url", f"base_url 必须以 https:// 开头（现在是 “{self.base_url}”）")
        if self.per_page < 1:
            raise FieldError("per_page", "per_page 至少是 1")


@dataclass(frozen=True)
class TypeSettings:
    """Per content type: the channels a page goes to when its front matter does not say."""

    outputs: tuple[str, ...] = ("site",)


@dataclass(frozen=True)
class Types:
    """Settings for each content type."""

    story: TypeSettings = TypeSettings(("site", "wechat", "led"))
    activity: TypeSettings = TypeSettings(("site", "wechat", "led"))
    letter: TypeSettings = TypeSettings(("site", "wechat", "led"))
    page: TypeSettings = TypeSettings(("site",))
    slide: TypeSettings = TypeSettings(("led",))
    categories: tuple[str, ...] = DEFAULT_CATEGORIES


@dataclass(frozen=True)
class Publish:
    """The publishing gate: whether only fully reviewed content goes out."""

    require_review: bool = True
    ledger: str = "reports/审核台账.csv"  # relative to the config file; never inside the output folder


@dataclass(frozen=True)
class Review:
    """三审三校: the pinned root administrator key (the roster's trust anchor) and separation of duties.
    """

    trust: str = ""  # base64 public key that `review init` prints
    separation: bool = True


@dataclass(frozen=True)
class Privacy:
    """Personal-data rules: block findings, or mask them in outputs with a warning."""

    mask: bool = False
    consent: Literal["error", "warn"] = "error"


@dataclass(frozen=True)
class Wording:
    """The wording dictionary and whether its findings block publishing."""

    dictionary: str = "content/_data/wording.yaml"
    block: bool = False
    punctuation: bool = True


@dataclass(frozen=True)
class ContentChecks:
    """Placeholders and leftovers: "error" holds the article (or the data item) back, "warn" only
    reports it."""

    placeholders: Literal["error", "warn"] = "error"


@dataclass(frozen=True)
class Freshness:
    """Days without a new item before a channel is flagged."""

    warn_days: int = 10
    alert_days: int = 14


@dataclass(frozen=True)
class Images:
    """How published images are prepared."""

    max_width: int = 1080
    jpeg_quality: int = 85


@dataclass(frozen=True)
class Margins:
    """Blank pixels kept clear on each side of an LED frame."""

    top: int = 0
    right: int = 0
    bottom: int = 0
    left: int = 0


@dataclass(frozen=True)
class Screen:
    """One LED screen profile: its exact pixel grid, colours and text sizes."""

    name: str
    width: int
    height: int
    colour: Literal["mono", "dual", "full"] = "full"
    led_colour: Literal["red", "green", "yellow", "blue", "white"] = "red"  # for mono screens
    greyscale: bool = False
    rotation: Literal["0", "90", "180", "270"] = "0"
    duration: float = 7.0  # seconds per slide
    font_size: int = 16
    min_font_size: int = 12
    margins: Margins = Margins()
    font: str = ""
    title: str = ""  # human name, e.g. 柚苑社区大门屏
    scroll: bool = False  # strip screens: also emit one long image for continuous left scrolling
    scroll_speed: int = 32  # pixels per second for the scrolling image
    # show a 倡议书's numbered points, not only its title (large indoor screens)
    full_letters: bool = False

    def __post_init__(self):
        if (
            not self.name
            or not all(c.isalnum() or c in "-_" for c in self.name)
            or not self.name.isascii()
        ):
            raise FieldError("name", f"屏幕名称 “{self.name}” 只能用英文字母、数字、- 和 _（它会成为文件夹名）")
        if self.width < 8 or self.height < 8:
            raise FieldError("width", f"屏幕 {self.name} 的尺寸 {self.width}×{self.height} 太小")
        if self.min_font_size > self.font_size:
            raise FieldError("min_font_size", f"屏幕 {self.name} 的 min_font_size 不能大于 font_size")

    @property
    def size(self) -> tuple[int, int]:
        """The frame size in pixels after rotation, as the controller expects it."""
        return (
            (self.height, self.width)
            if self.rotation in ("90", "270")
            else (self.width, self.height)
        )

    @property
    def is_strip(self) -> bool:
        """Strip screens (≤ 32 px tall) show one line at a time."""
        return self.height <= 32


@dataclass(frozen=True)
class Expiry:
    """When a page leaves the LED loops without a led.end of its own (0 days = never)."""

    activity_days: int = 3  # after the activity's end (or start, or date)
    story_days: int = 365  # after the story's date
    letter_days: int = 0  # after the letter's date

    def __post_init__(self):
        if min(self.activity_days, self.story_days, self.letter_days) < 0:
            raise FieldError("activity_days", "led.expiry 的天数不能是负数")


@dataclass(frozen=True)
class Led:
    """The LED output: screens, the fallback font, default expiry and how much of a loop one article
    may take."""

    font: str = ""
    screens: tuple[Screen, ...] = ()
    expiry: Expiry = Expiry()
    max_share: float = 0.25  # warn when one article fills more than this share of a screen's loop

    def __post_init__(self):
        if not 0 < self.max_share <= 1:
            raise FieldError("max_share", "led.max_share 要写 0 到 1 之间的小数，例如 0.25")


@dataclass(frozen=True)
class WechatLimits:
    """Length limits of the 公众号 article fields (defaults from the draft API documentation)."""

    title: int = 32
    author: int = 8
    author_max: int = 16
    digest: int = 120
    digest_max: int = 128
    digest_fallback: int = 54
    body_chars: int = 20000
    body_bytes: int = 1_000_000
    source_url_bytes: int = 1024


@dataclass(frozen=True)
class Wechat:
    """The WeChat Official Account output."""

    account: str = "文明常山"
    font_size: int = 16
    line_height: float = 1.75
    letter_spacing: str = "0.5px"
    text_colour: str = "#333333"
    accent_colour: str = "#b22222"
    header: str = ""
    footer: str = ""
    limits: WechatLimits = WechatLimits()

    def __post_init__(self):
        if not 15 <= self.font_size <= 17:
            raise FieldError("font_size", "wechat.font_size 只能在 15 到 17 之间")
        for name in ("text_colour", "accent_colour"):
            value = getattr(self, name)
            if not re.fullmatch(r"#(?:[0-9a-fA-F]{3}){1,2}", value):
                raise FieldError(name, f"wechat.{name} “{value}” 不是颜色：请写成 # 加六位十六进制数字，例如 #b22222")


@dataclass(frozen=True)
class Serve:
    """The local preview server."""

    port: int = 8000
    host: str = "127.0.0.1"


@dataclass(frozen=True)
class Links:
    """Links in bodies to pages, files or anchors of this site that do not exist: an error, or a
    warning."""

    broken: Literal["error", "warn"] = "error"


@dataclass(frozen=True)
class Deploy:
    """Where `deploy` uploads public/: an rsync target over ssh, e.g. wenming@web.example.gov.cn:
    /srv/wenming/."""

    method: Literal["rsync"] = "rsync"
    target: str = ""
    port: int | None = None
    # the ssh key to log in with (relative to the config file); empty: ssh's own default
    identity: str = ""
    # a known_hosts file that holds the server's key; empty: ssh's own default
    known_hosts: str = ""
    # old addresses → new ones, for the web server's admin
    nginx_map: str = "reports/nginx-redirects.conf"

    def __post_init__(self):
        if self.target and not re.match(r"^[^\s:/@]+@[^\s:/]+:\S*/$", self.target):
            raise FieldError("target", f"deploy.target “{self.target}” 要写成 用户名@服务器:/网站目录/ "
                             "的形式，例如 wenming@10.0.0.8:/srv/wenming/（最后要有 /）")


@dataclass(frozen=True)
class SiteConfig:
    """The whole site configuration, plus where it was loaded from."""

    site: SiteInfo
    types: Types = Types()
    publish: Publish = Publish()
    review: Review = Review()
    privacy: Privacy = Privacy()
    wording: Wording = Wording()
    checks: ContentChecks = ContentChecks()
    freshness: Freshness = Freshness()
    images: Images = Images()
    led: Led = Led()
    wechat: Wechat = Wechat()
    serve: Serve = Serve()
    links: Links = Links()
    deploy: Deploy = Deploy()
    root: Path = field(default=Path("."), metadata={"key": "_root"})

    def outputs_for(self, page_type: str) -> tuple[str, ...]:
        """The default channels for a content type."""
        return getattr(self.types, page_type).outputs

    def resolve(self, relative: str) -> Path:
        """A path from the config, taken relative to the config file's folder."""
        return (self.root / relative).resolve() if relative else self.root

    def screen(self, name: str) -> Screen | None:
        """The screen profile with this name, if any."""
        return next((s for s in self.led.screens if s.name == name), None)


def load(path: Path) -> SiteConfig:
    """Read and validate the config file; raise BuildFailed with every problem."""
    text, _warnings = source.read_text(path)
    try:
        doc = yamlio.parse(text)
    except yamlio.YamlProblem as exc:
        raise BuildFailed([error(path, exc.line, exc.message, exc.hint, exc.col)]) from None
    data = doc.data if isinstance(doc.data, dict) else None
    if data is None:
        raise BuildFailed([error(path, 1, "配置文件应该由若干 “字段: 值” 组成", "参考 README 里的配置示例。")])
    if "_root" in data:
        data = {k: v for k, v in data.items() if k != "_root"}
    cfg, problems = schema.build(SiteConfig, data)
    errors = [_locate(path, doc, p) for p in problems]
    if cfg is not None:
        errors.extend(_check_unique_screens(path, doc, cfg))
    if errors:
        raise BuildFailed(errors)
    return replace(cfg, root=path.parent.resolve())


def _locate(path: Path, doc: yamlio.YamlDoc, problem: schema.SchemaProblem) -> SiteError:
    line, col = doc.where(problem.path)
    return error(path, line, problem.message, problem.hint, col)


def _check_unique_screens(path: Path, doc: yamlio.YamlDoc, cfg: SiteConfig) -> list[SiteError]:
    seen: set[str] = set()
    problems = []
    for index, screen in enumerate(cfg.led.screens):
        if screen.name in seen:
            line, col = doc.where(("led", "screens", index, "name"))
            problems.append(error(path, line, f"屏幕名称 “{screen.name}” 重复", "每块屏幕要有自己的名称。", col))
        seen.add(screen.name)
    return problems
