"""The real mix for `make bench`: stories, activities and letters to the site, WeChat and two LED
screens, some
with a 4000×3000 phone photo each; and the rates of the two costly steps (LED frames, photos)
measured in-process.

Every figure sits beside Hugo's on the same files in the same run: cold, no-change and one-edit
builds as a ratio
to Hugo's cold build, peak memory as a ratio to Hugo's, photos per second as a ratio to Hugo
copying them.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from tools.corpus import write_corpus

MIX_CONFIG = """site: {title: 基准站, base_url: "https://example.gov.cn/wenming/", per_page: 10}
publish: {require_review: false}
privacy: {consent: warn}
types:
  story: {outputs: [site, wechat, led]}
  activity: {outputs: [site, wechat, led]}
  letter: {outputs: [site, wechat, led]}
images: {max_width: 1080, jpeg_quality: 85}
led:
  screens:
    - {name: gate, width: 384, height: 192, colour: full, duration: 7, font_size: 40, min_font_size: 24,
       margins: {top: 8, right: 10, bottom: 8, left: 10}}
    - {name: hall, width: 1920, height: 1080, colour: full, duration: 10, font_size: 96, min_font_size: 48,
       margins: {top: 60, right: 80, bottom: 60, left: 80}}
wechat: {account: 基准号}
serve: {port: %d}
"""


def photos_for(size: int) -> int:
    """How many pages of the mix carry a phone photo: one in five at 100 pages, one in twenty at 1,
    000 (so that a
    cold build stays under a minute here; each photo is 4–5 MB)."""
    return size // 5 if size <= 100 else size // 20


def prepare_mix(work: Path, size: int) -> Path:
    """The mix of `size` pages with its config, written once per size (the photos take a while)."""
    root = work / f"mix-{size}"
    if not (root / "content").is_dir():
        write_corpus(root, size, photos=photos_for(size))
    (root / "site_config.yaml").write_text(MIX_CONFIG % (8600 + size % 97), encoding="utf-8")
    return root


@contextmanager
def _timed(module, name: str, spent: list[float]):
    """Add the CPU time of every call of module.name to spent[0], and count the calls in
    spent[1]."""
    original = getattr(module, name)

    def timed(*args, **kwargs):
        start = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[0] += time.process_time() - start
            spent[1] += 1
    setattr(module, name, timed)
    try:
        yield
    finally:
        setattr(module, name, original)


def rates(root: Path) -> dict[str, float]:
    """rates_here(root) in a fresh process: a process that has built a site is large, and every
    process it
    starts afterwards would report that size as its own peak memory (Linux counts it before exec).
    """
    import json
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "tools.bench_mix", str(root)],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[1],
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def rates_here(root: Path) -> dict[str, float]:
    """Frames per second per screen size (first draw) and photos per second (publishing), in one
    in-process cold build of `root` with one worker: the CPU time of drawing (and encoding) frames
    and of preparing photos alone; and, marked 含排版, the whole LED output of each screen per frame
    drawn (text fitting, drawing, playlists); and the CPU milliseconds of the whole LED output
    (every screen). A photo is decoded once for all screens, by the largest screen (drawn first):
    its decode counts in that screen's drawing.
    """
    from generator import config
    from generator.base.dates import build_time
    from generator.build.options import BuildOptions
    from generator.build.pipeline import build
    from generator.formats import led
    from generator.formats.led import raster
    from generator.render import images

    cfg = config.load(root / "site_config.yaml")
    frames: dict[str, list[float]] = {s.name: [0.0, 0] for s in cfg.led.screens}
    photos = [0.0, 0]
    whole: dict[str, float] = {s.name: 0.0 for s in cfg.led.screens}
    original, original_screen = raster.draw_frame, led._render_screen

    def by_screen(screen, *args, **kwargs):
        start = time.process_time()
        try:
            return original(screen, *args, **kwargs)
        finally:
            frames[screen.name][0] += time.process_time() - start
            frames[screen.name][1] += 1

    def screen_whole(run, target, *args, **kwargs):
        start = time.process_time()
        try:
            return original_screen(run, target, *args, **kwargs)
        finally:
            whole[target.screen.name] += time.process_time() - start
    with (
        tempfile.TemporaryDirectory(prefix="wenming-rates-") as temp,
        _timed(images, "prepare", photos),
    ):
        raster.draw_frame, led._render_screen = by_screen, screen_whole
        try:
            opts = BuildOptions(
                root / "content",
                Path(temp) / "public",
                Path(__file__).parents[1] / "templates",
                build_time(),
                cache_dir=Path(temp) / "cache",
                jobs=1,
            )
            build(cfg, opts)
        finally:
            raster.draw_frame, led._render_screen = original, original_screen
    found = {f"{s.width}×{s.height} 帧/秒": frames[s.name][1] / frames[s.name][0]
             for s in cfg.led.screens if frames[s.name][0]}
    found.update({f"{s.width}×{s.height} 帧/秒（含排版）": frames[s.name][1] / whole[s.name]
                  for s in cfg.led.screens if frames[s.name][0] and whole[s.name]})
    found["LED 输出 CPU 毫秒"] = sum(whole.values()) * 1000
    if photos[0]:
        found["图片/秒"] = photos[1] / photos[0]
    return found


def hugo_images_per_second(root: Path, hugo_cold_seconds: float) -> float:
    """Hugo's rate on the same photos: it copies them (no resizing, no stripping) during its cold
    build."""
    count = sum(1 for p in (root / "content" / "images").iterdir() if p.suffix == ".jpg")
    return count / hugo_cold_seconds if hugo_cold_seconds else 0.0


def copy_images_for_hugo(root: Path, site: Path) -> None:
    """Hugo publishes files under static/ as they are: the corpus's images go there."""
    shutil.copytree(root / "content" / "images", site / "static" / "images", dirs_exist_ok=True)


def phone_photo_cost(runs: int = 7) -> dict[str, float]:
    """Milliseconds of CPU (each the fastest of `runs`, the jobs taken in turn so that a busy
    machine slows all alike) to work on a 4000×3000 phone photo, side by side with decoding it
    whole with Pillow (`Image.open(f).load()`, "full"):

    - "publish": the published 1080 px JPEG alone (draft decode, resize, encode; the issue's
      target is ≤ 0.5× full);
    - "copies": that plus the 480/800 px JPEGs and the three WebPs, from the same decode;
    - "floor": a draft decode at 1/8 scale and nothing else, the least any JPEG decoder that
      reads the whole file needs (Huffman decoding is the same work at every scale);
    - "fits": publishing a photo that needs no resizing (metadata stripped, data kept).
    """
    import io

    from PIL import Image

    from generator.render.images import prepare, prepare_all
    from tools.corpus import phone_photo

    raw = phone_photo(7)
    small = io.BytesIO()
    Image.open(io.BytesIO(raw)).reduce(4).save(
        small, "JPEG", quality=92, exif=Image.open(io.BytesIO(raw)).getexif()
    )

    def floor() -> None:
        image = Image.open(io.BytesIO(raw))
        image.draft("RGB", (image.width // 8, image.height // 8))
        image.load()
    jobs = {
        "full": lambda: Image.open(io.BytesIO(raw)).load(),
        "publish": lambda: prepare(raw, 1080, 85),
        "copies": lambda: prepare_all(raw, 1080, 85),
        "floor": floor,
        "fits": lambda: prepare(small.getvalue(), 1080, 85),
    }
    best = {name: float("inf") for name in jobs}
    for _ in range(runs):
        for name, job in jobs.items():
            start = time.process_time()
            job()
            best[name] = min(best[name], time.process_time() - start)
    return {name: seconds * 1000 for name, seconds in best.items()}


def photo_line(cost: dict[str, float]) -> str:
    """The phone-photo figures as `make bench` prints them."""
    full = cost["full"]
    verdict = "✓" if cost["publish"] <= 0.5 * full else "✗"
    return (f"4000×3000 手机照片（{full:.0f} ms = Pillow 完整解码）：发布为 1080 px JPEG "
            f"{cost['publish']:.0f} ms（{cost['publish'] / full:.2f}×，目标 ≤ 0.5× {verdict}）；"
            f"连同 480/800 px 和 WebP 副本 {cost['copies']:.0f} ms（{cost['copies'] / full:.2f}×）；"
            f"只做 1/8 草稿解码 {cost['floor']:.0f} ms（{cost['floor'] / full:.2f}×，任何读完整个文件的"
            f"解码的下限）；不用缩小的照片原样去元数据发布 {cost['fits']:.1f} ms")


if __name__ == "__main__":
    import json
    import sys

    if sys.argv[1:] == ["--photo"]:  # the phone-photo line alone: python -m tools.bench_mix --photo
        print(photo_line(phone_photo_cost()))
    else:
        print(json.dumps(rates_here(Path(sys.argv[1])), ensure_ascii=False))
