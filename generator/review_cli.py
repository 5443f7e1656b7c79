"""The `review` commands of the command line: roster, sign, return, withdraw, history, sheet,
migrate (an app: it prints, in Chinese, and reads passwords from a prompt or from standard input,
never from the command line).
"""

from __future__ import annotations

import getpass
import sys
from datetime import datetime
from pathlib import Path

from generator import config as config_module
from generator.base.errors import BuildFailed, error

STAGE_HELP = "初审 / 一校 / 复审 / 二校 / 三校 / 终审"
_FILE = "content/stories/张三.md"
EXAMPLES = {  # the last lines of each command's -h (the parser class of cli.py prints them)
    "review": f"python -m generator review sign {_FILE} --stage 初审\npython -m generator review history {_FILE}",
    "init": "python -m generator review init --name 王主任",
    "roster": "python -m generator review roster list",
    "add": "python -m generator review roster add 李编辑 --stages 初审,一校 --by 王主任",
    "remove": "python -m generator review roster remove 李编辑 --by 王主任",
    "keygen": "python -m generator review keygen 李编辑 --by 王主任",
    "list": "python -m generator review roster list",
    "sign": f"python -m generator review sign {_FILE} --stage 初审 --name 李编辑",
    "return": f"python -m generator review return {_FILE} --stage 复审 --reason 数字要核实",
    "withdraw": f"python -m generator review withdraw {_FILE} --reason 当事人要求撤下",
    "history": f"python -m generator review history {_FILE}",
    "sheet": f"python -m generator review sheet {_FILE}",
    "migrate": "python -m generator review migrate",
}


def add_commands(commands, common) -> None:
    """Add `review …` and its subcommands to the top-level parser."""
    r = commands.add_parser("review", help="三审三校：审核名单、签署、退回、撤稿、审核记录", example=EXAMPLES["review"])
    sub = r.add_subparsers(dest="review_command", required=True)

    def command(name, run, help_text, *, file=False, signer=False):
        cmd = sub.add_parser(name, help=help_text, example=EXAMPLES[name])
        common(cmd)
        if file:
            cmd.add_argument("file", type=Path, help="文章文件，例如 content/stories/xxx.md")
        if signer:
            cmd.add_argument("--name", default=None, help="签署人姓名（不写则询问）")
            cmd.add_argument("--password-stdin", action="store_true", help="从标准输入读密码（脚本用）")
        cmd.set_defaults(run=run)
        return cmd

    init = command("init", _init, "新建审核名单和根管理员（只在第一次用）", signer=True)
    init.add_argument("--test-keys", action="store_true", help=argparse_suppress())
    roster = sub.add_parser("roster", help="管理审核名单（管理员）", example=EXAMPLES["roster"])
    roster_sub = roster.add_subparsers(dest="roster_command", required=True)
    add = roster_sub.add_parser("add", help="把一个人加进名单，或更改其可签环节并换新密钥", example=EXAMPLES["add"])
    common(add)
    add.add_argument("person", help="姓名")
    add.add_argument("--stages", required=True, help="可签的环节，用逗号分开，例如 初审,终审")
    add.add_argument("--admin", action="store_true", help="同时是管理员（可以修改名单）")
    add.add_argument("--by", required=True, help="管理员姓名")
    add.add_argument("--password-stdin", action="store_true", help="从标准输入读两行：管理员密码、新人的密码")
    add.add_argument("--test-keys", action="store_true", help=argparse_suppress())
    add.set_defaults(run=_roster_add)
    remove = roster_sub.add_parser("remove", help="把一个人移出名单", example=EXAMPLES["remove"])
    common(remove)
    remove.add_argument("person")
    remove.add_argument("--by", required=True, help="管理员姓名")
    remove.add_argument("--password-stdin", action="store_true")
    remove.set_defaults(run=_roster_remove)
    keygen = sub.add_parser(
        "keygen",
        help="为名单上的人换一把新钥匙（忘记密码时；环节不变，需管理员签名）",
        example=EXAMPLES["keygen"],
    )
    common(keygen)
    keygen.add_argument("person", help="姓名")
    keygen.add_argument("--by", required=True, help="管理员姓名")
    keygen.add_argument("--password-stdin", action="store_true", help="从标准输入读两行：管理员密码、新密码")
    keygen.add_argument("--test-keys", action="store_true", help=argparse_suppress())
    keygen.set_defaults(run=_keygen)
    listing = roster_sub.add_parser("list", help="列出名单", example=EXAMPLES["list"])
    common(listing)
    listing.set_defaults(run=_roster_list)
    sign = command("sign", _sign, "为一篇文章的当前版本签署一个审核环节", file=True, signer=True)
    sign.add_argument("--stage", required=True, help=STAGE_HELP)
    ret = command("return", _return, "退回：这一环节不通过，写明理由", file=True, signer=True)
    ret.add_argument("--stage", required=True, help=STAGE_HELP)
    ret.add_argument("--reason", required=True, help="退回理由（作者会看到）")
    withdraw = command("withdraw", _withdraw, "撤稿：下次生成时从网站、公众号和 LED 全部撤下", file=True, signer=True)
    withdraw.add_argument("--reason", default="", help="撤稿原因")
    command("history", _history, "审核记录：每个版本、版本间的改动、谁签了什么", file=True)
    sheet = command("sheet", _sheet, "生成可打印的《互联网信息发布审核表》", file=True)
    sheet.add_argument("--out", type=Path, default=None, help="保存到哪个文件（默认 reports/审核表/）")
    command("migrate", _migrate, "一次性迁移：删除文章里旧的 review:/proof: 签字块")


def argparse_suppress():
    """Help text for options that exist only for tests."""
    import argparse

    return argparse.SUPPRESS


def _setup(args):
    from generator.checks.review import ReviewStore, TEST_SCRYPT_N

    cfg = config_module.load(args.config)
    content_dir = (args.content or cfg.root / "content").resolve()
    options = {"kdf_n": TEST_SCRYPT_N} if getattr(args, "test_keys", False) else {}
    return cfg, content_dir, ReviewStore.for_config(cfg, content_dir, **options)


def _password(args, prompt: str) -> str:
    if getattr(args, "password_stdin", False):
        line = sys.stdin.readline()
        if not line:
            raise _refused("没有从标准输入读到密码")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise _refused("这里不能询问密码：请在终端里运行，或用 --password-stdin")
    return getpass.getpass(prompt)


def _new_password(args, who: str) -> str:
    first = _password(args, f"为 {who} 设置密码：")
    if not getattr(args, "password_stdin", False) and getpass.getpass("再输入一次：") != first:
        raise _refused("两次输入的密码不一样")
    return first


def _signer(args) -> str:
    if args.name:
        return args.name
    if getattr(args, "password_stdin", False) or not sys.stdin.isatty():
        raise _refused("请用 --name 写上签署人姓名")
    return input("签署人姓名：").strip()


def _refused(message: str, path: str = "content/_review") -> BuildFailed:
    return BuildFailed([error(path, 1, message)])


def _act(action, path="content/_review"):
    from generator.checks.review import ReviewRefused

    try:
        return action()
    except ReviewRefused as refused:
        raise _refused(refused.message, path) from None


def _article(content_dir: Path, file: Path) -> str:
    path = file.resolve()
    if not path.is_relative_to(content_dir) or not path.is_file():
        raise _refused(f"找不到文章 {file}（要写 content/ 里的 .md 文件）", str(file))
    return path.relative_to(content_dir).as_posix()


def _now() -> datetime:
    return datetime.now().astimezone()


def _init(args) -> int:
    _cfg, _content, store = _setup(args)
    name = _signer(args)
    password = _new_password(args, name)
    trust = _act(lambda: store.init_admin(name, password, _now()))
    print(f"已建立审核名单，根管理员：{name}\n请把下面两行写进 site_config.yaml（这是名单的信任锚，只有能改配置的人才能换它）：\n"
          f"review:\n  trust: {trust}")
    return 0


def _roster_add(args) -> int:
    _cfg, _content, store = _setup(args)
    by_password = _password(args, f"管理员 {args.by} 的密码：")
    password = _new_password(args, args.person)
    stages = [
        s.strip() for s in args.stages.replace("，", ",").replace("、", ",").split(",") if s.strip()
    ]
    _act(
        lambda: store.add_person(
            args.person,
            stages,
            admin=args.admin,
            password=password,
            by=args.by,
            by_password=by_password,
            now=_now(),
        )
    )
    print(f"已加入审核名单：{args.person}，可签：{'、'.join(stages) or '无'}{'，管理员' if args.admin else ''}"
          f"（由 {args.by} 签名）")
    return 0


def _keygen(args) -> int:
    _cfg, _content, store = _setup(args)
    person = store.roster.current(args.person)
    if person is None:
        raise _refused(f"{args.person} 不在审核名单上；新人请用 review roster add")
    by_password = _password(args, f"管理员 {args.by} 的密码：")
    password = _new_password(args, args.person)
    _act(
        lambda: store.add_person(
            args.person,
            list(person.stages),
            admin=person.admin,
            password=password,
            by=args.by,
            by_password=by_password,
            now=_now(),
        )
    )
    print(f"已为 {args.person} 换了新钥匙（可签环节不变：{'、'.join(person.stages) or '无'}）。此前的签名仍然有效。")
    return 0


def _roster_remove(args) -> int:
    _cfg, _content, store = _setup(args)
    by_password = _password(args, f"管理员 {args.by} 的密码：")
    _act(lambda: store.remove_person(args.person, by=args.by, by_password=by_password, now=_now()))
    print(f"已把 {args.person} 移出审核名单（此前的签名仍然有效）。")
    return 0


def _roster_list(args) -> int:
    _cfg, content_dir, store = _setup(args)
    for problem in store.roster.problems:
        print(problem.format())
    people = store.people()
    if not people:
        print("审核名单是空的（或没有通过核验）。管理员先运行 review init。")
    for person in people:
        role = "，管理员" if person.admin else ""
        print(f"  {person.name}：可签 {'、'.join(person.stages) or '无'}{role}")
    return 1 if store.roster.problems else 0


def _sign(args) -> int:
    _cfg, content_dir, store = _setup(args)
    article, name = _article(content_dir, args.file), _signer(args)
    password = _password(args, f"{name} 的密码：")
    event = _act(lambda: store.sign(article, args.stage, name, password, _now()), str(args.file))
    from generator.checks.review import short

    print(
        f"已签署{event.stage}：{name}，{event.time:%Y-%m-%d %H:%M}，版本 {short(event.revision)} — "
        f"{args.file.name}"
    )
    return 0


def _return(args) -> int:
    _cfg, content_dir, store = _setup(args)
    article, name = _article(content_dir, args.file), _signer(args)
    password = _password(args, f"{name} 的密码：")
    event = _act(
        lambda: store.return_(article, args.stage, name, password, args.reason, _now()),
        str(args.file),
    )
    print(f"已退回（{event.stage}）：{args.file.name}，理由：{event.reason}。作者修改后重新送审。")
    return 0


def _withdraw(args) -> int:
    _cfg, content_dir, store = _setup(args)
    article = (args.file.resolve().relative_to(content_dir).as_posix()
               if args.file.resolve().is_relative_to(content_dir) else str(args.file))
    name = _signer(args)
    password = _password(args, f"{name} 的密码：")
    _act(lambda: store.withdraw(article, name, password, args.reason, _now()), str(args.file))
    print(f"已撤稿：{article}。下次生成时会从网站、公众号和 LED 全部撤下，审核记录保留。")
    return 0


def _history(args) -> int:
    from generator.checks.review import sheet

    cfg, content_dir, store = _setup(args)
    article = _article_any(content_dir, args.file)
    print(sheet.history_text(store, article, cfg))
    return 0


def _sheet(args) -> int:
    from generator.base.dates import build_time
    from generator.build.writer import write_file
    from generator.checks.review import sheet

    cfg, content_dir, store = _setup(args)
    article = _article_any(content_dir, args.file)
    out = args.out or cfg.root / "reports" / "审核表" / f"{Path(article).stem}.html"
    write_file(out, sheet.sheet_html(store, article, cfg, build_time()).encode("utf-8"))
    print(f"已生成审核表：{out}（用浏览器打开后打印）")
    return 0


def _migrate(args) -> int:
    from generator.checks.review.migrate import migrate

    _cfg, content_dir, _store = _setup(args)
    changed = migrate(content_dir)
    for path in changed:
        print(f"  已删除旧签字块：{path}")
    print(f"迁移完成：改了 {len(changed)} 个文件。请审核人用 review sign 重新签署。" if changed else "没有需要迁移的文件。")
    return 0


def _article_any(content_dir: Path, file: Path) -> str:
    path = file.resolve()
    if not path.is_relative_to(content_dir):
        raise _refused(f"{file} 不在 content/ 里", str(file))
    return path.relative_to(content_dir).as_posix()
