"""Command line: build, serve, new, check, review …. The only place (with serve) that prints."""
from __future__ import annotations

import argparse
import difflib
import os
import sys
import traceback
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from generator import __version__, config as config_module
from generator.cliargs import ChineseParser
from generator.base.hashing import digest
from generator.base.dates import build_time
from generator.base.errors import BuildFailed, SiteError, context_lines
from generator.build.options import BuildOptions
from generator.build.stamp import input_stamp, record_json, unchanged
from generator.build.failures import final_line, folder_identity, os_error_message
from generator.build.lock import BuildBusy, BuildLock, lock_path
from generator.build.writer import manifest_path, write_file

# Commands import the heavy modules (Markdown, Jinja, Pillow, pypinyin) only when they need them,
# so that
# `make build` with nothing changed answers in a fraction of a second.


def main(argv: list[str] | None = None) -> int:
    """Run one command and return the process exit code (0 ok, 1 content problems, 2 internal error)
    ."""
    args = _parser().parse_args(argv)
    # (folder, identity before the build): set by the build command, for the final line
    args.output = None
    try:
        return args.run(args)
    except BuildFailed as failed:
        _print_problems(failed.problems, sys.stderr)
        errors = sum(p.is_error for p in failed.problems)
        print(f"\n没有发布：共 {errors} 个错误需要修改。{_final_line(args)}", file=sys.stderr)
        return 1
    except BuildBusy as busy:
        print(f"{busy.message}{_final_line(args)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"{os_error_message(exc)}\n{_final_line(args)}", file=sys.stderr)
        return 1
    # noqa: BLE001 - the last line of defence: staff must never see a bare traceback
    except Exception:
        if args.debug:
            traceback.print_exc()
        else:
            print(f"内部错误：发布工具自身出了问题，您的文件没有丢失。{_final_line(args)}\n"
                  "请加上 --debug 重新运行，把输出发给技术人员。", file=sys.stderr)
        return 2


def _final_line(args) -> str:
    if args.output is None:
        return ""
    folder, before = args.output
    return final_line(folder, before, _show_path(folder))


def _parser() -> argparse.ArgumentParser:
    parser = ChineseParser(prog="python -m generator", description="文明常山发布工具",
                           example="python -m generator build\npython -m generator build -h")
    parser.add_argument("--version", action="version", version=f"文明常山发布工具 {__version__}",
                        help="显示版本号后退出")
    parser.add_argument("--debug", action="store_true", help="出错时显示完整的技术信息")
    commands = parser.add_subparsers(dest="command", required=True, title="命令", metavar="命令",
                                     help="选一个命令；命令后加 -h 查看它的用法",
                                     parser_class=ChineseParser)
    b = commands.add_parser(
        "build",
        help="生成网站、LED 画面和公众号文章",
        example="python -m generator build\npython -m generator build --preview",
    )
    _common(b)
    b.add_argument("--out", type=Path, default=None, help="输出文件夹（默认 public/，预览为 .preview/）")
    b.add_argument("--staff", type=Path, default=None,
                   help="员工文件夹：公众号和 LED 文件（默认 public/ 旁边的 staff/；--out X 时为 X-staff/）")
    b.add_argument("--preview", action="store_true", help="预览：包括未审定内容，加 “未审定” 标记，不写 public/")
    b.add_argument("--build-time", default=None, help="固定构建时间，例如 2024-05-01T08:00（用于复现）")
    b.add_argument("--future", action="store_true", help="连还没到发布日期的文章也发布（定时发布的预演）")
    b.add_argument("--no-cache", action="store_true", help="不使用缓存")
    b.add_argument("--quiet", action="store_true", help="只显示错误")
    b.set_defaults(run=_cmd_build)
    s = commands.add_parser(
        "serve", help="本地预览，改动后自动刷新", example="python -m generator serve --port 8001"
    )
    _common(s)
    s.add_argument("--port", type=int, default=None, help="端口（默认 8000）")
    s.set_defaults(run=_cmd_serve)
    n = commands.add_parser("new", help="新建一篇文章", example='python -m generator new story "身边好人张三"')
    _common(n)
    n.add_argument("type", choices=("story", "activity", "letter", "page", "slide"),
                   help="story（榜样人物）/ activity（志愿服务）/ letter（倡议书）/ page（页面）/ slide（LED 标语）")
    n.add_argument("title", help="文章标题")
    n.set_defaults(run=_cmd_new)
    c = commands.add_parser("check", help="检查内容：审核进度、个人信息、用词、标点和定时发布",
                            example="python -m generator check\npython -m generator check --fix")
    _common(c)
    c.add_argument("--fix", action="store_true", help="自动修正安全的标点问题（先显示改动，确认后才写入）")
    c.add_argument("--yes", action="store_true", help="与 --fix 同用：不询问，直接写入（用于脚本）")
    c.set_defaults(run=_cmd_check)
    d = commands.add_parser(
        "desk",
        help="编审台：在浏览器里写稿、审核、签字和发布",
        example="python -m generator desk\npython -m generator desk --port 8080",
    )
    _add_desk(d)
    _review_commands(commands)
    _add_deploy(commands)
    return parser


def _add_desk(sub: argparse.ArgumentParser) -> None:
    from generator.desk import command  # (imports tornado only when the desk runs)

    command.add_arguments(sub)
    sub.set_defaults(run=command.run)


def _common(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--config",
        type=Path,
        default=Path("site_config.yaml"),
        help="配置文件（默认 site_config.yaml）",
    )
    sub.add_argument("--content", type=Path, default=None, help="内容文件夹（默认与配置文件同级的 content/）")


def options_for(args, cfg, preview: bool, out: Path | None = None, now: datetime | None = None):
    """Build options from parsed arguments and the config (shared by build and serve)."""
    root = cfg.root
    default_out = root / (".preview" if preview else "public")
    use_cache = not getattr(args, "no_cache", False)
    return BuildOptions(
        content_dir=(args.content or root / "content").resolve(),
        out_dir=(out or default_out).resolve(),
        templates_dir=(
            root / "templates"
            if (root / "templates").is_dir()
            else Path(__file__).parent.parent / "templates"
        ),
        now=now or build_time(),
        preview=preview,
        cache_dir=root / ".cache" if use_cache else None,
        ledger=None if preview else cfg.resolve(cfg.publish.ledger),
        nginx_map=None if preview else cfg.resolve(cfg.deploy.nginx_map),
        staff_dir=staff.resolve() if (staff := getattr(args, "staff", None)) else None,
    )


def _cmd_build(args) -> int:
    planned = (
        args.out or args.config.resolve().parent / (".preview" if args.preview else "public")
    ).resolve()
    # for the final line, should the config be wrong
    args.output = (planned, folder_identity(planned))
    cfg = config_module.load(args.config)
    now = datetime.fromisoformat(args.build_time) if args.build_time else build_time()
    opts = options_for(args, cfg, args.preview, args.out, now)
    args.output = (opts.out_dir, folder_identity(opts.out_dir))
    with BuildLock(lock_path(cfg.root), on_wait=lambda said: print(said, file=sys.stderr)):
        args.output = (opts.out_dir, folder_identity(opts.out_dir))  # as the other build left it
        return _build_locked(args, cfg, opts, now)


def _build_locked(args, cfg, opts, now) -> int:
    record = opts.cache_dir / f"stamp-{digest(str(opts.out_dir))}.json" if opts.cache_dir else None
    stamp = input_stamp(
        [opts.content_dir, opts.templates_dir, args.config.resolve(), Path(__file__).parent],
        now.date(),
        opts.out_dir,
        opts.staff,
        opts.preview,
        args.future,
        sys.version,
    )
    saved = (
        unchanged(
            record,
            stamp,
            [(d, manifest_path(opts.cache_dir, d)) for d in (opts.out_dir, opts.staff)],
        )
        if record
        else None
    )
    if saved is not None:
        warnings, _, summary = saved.rpartition("\n")
        if warnings:
            print(warnings, file=sys.stderr)
        if not args.quiet:
            print(f"没有变化，无需重新生成。上次的结果：{summary}")
        return 0
    from generator.build.pipeline import build

    progress = (
        None
        if args.quiet or not sys.stderr.isatty()
        else (lambda step: print(f"… {step}", file=sys.stderr))
    )
    report = build(cfg, replace(opts, progress=progress, future=args.future))
    summary = _print_report(report, quiet=args.quiet)
    if record:  # the warnings are kept too, so a build with nothing new shows them again
        write_file(record, record_json(stamp, _format_problems(report.warnings) + "\n" + summary))
    return 0


def _add_deploy(commands) -> None:
    d = commands.add_parser(
        "deploy",
        help="把 public/ 上传到网站服务器（只传有变化的文件）",
        example="python -m generator deploy --dry-run\npython -m generator deploy",
    )
    _common(d)
    d.add_argument("--dry-run", action="store_true", help="只列出会上传和删除的文件，不真的改动服务器")
    d.add_argument("--out", type=Path, default=None, help="要上传的网站文件夹（默认 public/）")
    d.set_defaults(run=_cmd_deploy)


def _cmd_deploy(args) -> int:
    """Build public/ (refusing to upload when the build has errors), then upload what changed."""
    from generator.deploy import DeployProblem, deploy, summary

    cfg = config_module.load(args.config)
    build_args = argparse.Namespace(
        config=args.config,
        content=args.content,
        out=args.out,
        preview=False,
        build_time=None,
        future=False,
        no_cache=False,
        quiet=True,
    )
    try:
        _cmd_build(build_args)
    except BuildFailed as failed:
        _print_problems(failed.problems, sys.stderr)
        errors = sum(p.is_error for p in failed.problems)
        print(f"\n没有上传：这次生成有 {errors} 个错误，服务器上的网站保持原样。改好后再运行 deploy。", file=sys.stderr)
        return 1
    site_dir = options_for(build_args, cfg, False, args.out).out_dir
    try:
        result = deploy(cfg, site_dir, dry_run=args.dry_run)
    except DeployProblem as problem:
        print(str(problem), file=sys.stderr)
        return 1
    print(summary(result, cfg.deploy.target, args.dry_run))
    return 0


def _cmd_serve(args) -> int:
    from generator.serve import serve

    cfg = config_module.load(args.config)
    serve(
        cfg,
        args.config.resolve(),
        lambda c, now: replace(options_for(args, c, True, now=now), keep_cache=True),
        port=args.port,
    )
    return 0


def _cmd_new(args) -> int:
    from generator.model import scaffold

    cfg = config_module.load(args.config)
    content_dir = (args.content or cfg.root / "content")
    path = scaffold.create(content_dir, args.type, args.title, build_time().date(), cfg)
    print(f"已新建：{_show_path(path)}\n用文本编辑器打开它，按注释填写后保存。")
    return 0


def _cmd_check(args) -> int:
    from generator.build.pipeline import build
    from generator.checks import pending_report, run_checks

    cfg = config_module.load(args.config)
    if args.fix:
        _apply_fixes(cfg, args)
    # The same path as `build`, dry: every check and every renderer runs, nothing is written, and
    # the report
    # shows each finding the build would (drafts and unreviewed pages included, as in the preview).
    now = build_time()
    report = build(cfg, replace(options_for(args, cfg, True, now=now), dry=True))
    # The review section shows what a real build would publish; the findings are the dry build's,
    # plus the
    # review step's own (records that do not verify, held-back articles).
    review = run_checks(report.site, cfg, today=now.date(), **_review_status(cfg, report.site))
    result = replace(
        review,
        problems=sorted(dict.fromkeys(review.problems + report.problems), key=SiteError.sort_key),
    )
    # The report lists the findings, masked; printing them again with their source lines would put
    # ID and phone
    # numbers on the screen in full.
    print(pending_report(report.site, cfg, result, today=now.date()))
    _print_schedule(report.site)
    return 1 if any(p.is_error for p in result.problems) else 0


def _print_schedule(site) -> None:
    from generator.model import schedule

    lines = schedule.report_lines(schedule.apply(site, build_time()))
    print("\n".join(lines) if lines else "定时发布：没有等待发布或已下线的文章。")


def _review_status(cfg, site) -> dict:
    """Each article's live and working revision and who it waits for, for `check` (nothing when
    review is off)."""
    from generator.checks import review

    return review.for_check(site, cfg)


def _apply_fixes(cfg, args) -> None:
    """Show the safe fixes as a diff and write them once the user agrees (or with --yes)."""
    from generator.checks import fix_file
    from generator.model import content

    site = content.load_site(
        cfg, (args.content or cfg.root / "content").resolve(), include_drafts=True
    )
    fixes = [(site.content_dir / p.source, fixed) for p in site.pages
             if (fixed := fix_file(site.content_dir / p.source)) is not None]
    for path, (old, new) in fixes:
        shown = _show_path(path)
        print(
            "\n".join(
                difflib.unified_diff(
                    old.splitlines(), new.splitlines(), shown, shown + "（修正后）", lineterm=""
                )
            )
        )
    if not fixes:
        print("没有需要自动修正的标点。")
        return
    if not (args.yes or _confirm(f"以上是 {len(fixes)} 个文件的标点修正。写入文件吗？[y/N] ")):
        print("没有改动任何文件。确认无误后再运行一次，输入 y；脚本里可以加 --yes。")
        return
    for path, _ in fixes:
        fix_file(path, write=True)
    print(f"已修正 {len(fixes)} 个文件的标点（改过的文章需要重新审核签字）。")


def _confirm(question: str) -> bool:
    try:
        return input(question).strip().lower() in ("y", "yes", "是", "好")
    except EOFError:  # no keyboard (a script): never write without --yes
        return False


def _review_commands(commands) -> None:
    from generator import review_cli

    review_cli.add_commands(commands, _common)


def _print_report(report, quiet: bool) -> str:
    """Print the build's warnings and summary; return the one-line summary."""
    _print_problems(report.warnings, sys.stderr)
    where = _show_path(report.out_dir)
    summary = (f"完成：发布 {report.published} 篇，写入 {len(report.written)} 个文件，"
               f"未变 {len(report.unchanged)} 个，删除 {len(report.removed)} 个 → {where}/"
               f"（公众号和 LED 文件 → {_show_path(report.staff_dir)}/）")
    if quiet:
        return summary
    print(summary)
    if report.held_back:
        print(f"有 {len(report.held_back)} 篇未完成三审三校，没有发布（运行 make check 查看）：")
        for source in report.held_back:
            print(f"  - content/{source}")
    if report.withheld:
        print(f"有 {len(report.withheld)} 篇含有占位或残留内容，没有发布（见上面的警告）：")
        for source in report.withheld:
            print(f"  - content/{source}")
    for line in report.freshness:
        print(str(line))
    if report.schedule is not None:
        from generator.model.schedule import report_lines

        for line in report_lines(report.schedule):
            print(line)
    return summary


def _print_problems(problems: list[SiteError], stream) -> None:
    if problems:
        print(_format_problems(problems), file=stream)


def _format_problems(problems: list[SiteError]) -> str:
    # a number in a file name or message is never echoed in full
    from generator.checks.privacy import mask

    shown = []
    for problem in sorted(problems, key=SiteError.sort_key):
        relative = SiteError(
            mask(_show_path(Path(problem.path))),
            problem.line,
            problem.col,
            mask(problem.message),
            mask(problem.hint),
            problem.severity,
            problem.code,
        )
        shown.append(relative.format(_context(problem)))
    return "\n".join(shown)


def _context(problem: SiteError) -> str:
    path = Path(problem.path)
    if problem.code.startswith("privacy."):
        return ""  # the line itself holds the personal data; the message carries a masked excerpt
    if not path.is_file() or path.suffix not in (".md", ".yaml", ".yml") or problem.line < 1:
        return ""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return context_lines(text, problem.line, around=0)


def _show_path(path: Path) -> str:
    absolute = Path(os.path.abspath(path))
    return (
        absolute.relative_to(Path.cwd()).as_posix()
        if absolute.is_relative_to(Path.cwd())
        else str(absolute)
    )
