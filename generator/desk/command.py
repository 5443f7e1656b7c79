"""`python -m generator desk …`: run the 编审台, add an account (desk login + reviewer roster entry),
back up the database. Only this module (with the CLI) prints."""

from __future__ import annotations

import asyncio
import getpass
import sys
from pathlib import Path

from generator.desk import accounts, db, sessions
from generator.desk.workspace import Workspace


def add_arguments(parser) -> None:
    """The desk's options and its sub-commands (adduser, backup)."""
    parser.add_argument("--config", type=Path, default=Path("site_config.yaml"), help="配置文件")
    parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，只有本机能访问）")
    parser.add_argument("--port", type=int, default=8100, help="端口（默认 8100）")
    parser.add_argument("--allow-host", action="append", default=[],
                        help="反向代理对外使用的主机名，例如 desk.wmb.local（可写多次）")
    parser.add_argument("--https", action="store_true", help="经由 HTTPS 反向代理访问：Cookie 只走 HTTPS")
    sub = parser.add_subparsers(dest="desk_command")
    add = sub.add_parser("adduser", help="新建编审台账号（同时登记为审核人）")
    add.add_argument("name", help="姓名")
    add.add_argument("--stages", default="", help="可签的环节，用逗号分开，例如 初审,一校；写稿人留空")
    add.add_argument("--admin", action="store_true", help="管理员：可以发布、可以添加账号")
    add.add_argument("--by", default="", help="登记人（管理员）姓名；添加第一位管理员时不用写")
    add.add_argument("--password-stdin", action="store_true",
                     help="从标准输入读密码（第一行是新账号的密码，第二行是登记人的密码）")
    backup = sub.add_parser("backup", help="在编审台运行时安全地复制数据库")
    backup.add_argument("target", type=Path, help="备份文件，例如 备份/desk-2024-05-01.sqlite3")


def run(args) -> int:
    """Run the sub-command (default: the server)."""
    ws = Workspace(args.config, hosts=_hosts(args), secure_cookies=args.https)
    if args.desk_command == "adduser":
        return _adduser(ws, args)
    if args.desk_command == "backup":
        db.backup(ws.db_path, args.target)
        print(f"已备份到 {args.target}")
        return 0
    return _serve(ws, args.host, args.port)


def _hosts(args) -> tuple[str, ...]:
    names = {"127.0.0.1", "localhost", args.host.lower(), *(h.lower() for h in args.allow_host)}
    return tuple(sorted(n for n in names if n not in ("0.0.0.0", "::")))


def _serve(ws: Workspace, host: str, port: int) -> int:
    from generator.desk.app import serve

    def ready(bound: int) -> None:
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        print(f"编审台已启动：http://{shown}:{bound}/  （按 Ctrl+C 停止）", file=sys.stderr)
        print(f"账号和操作记录保存在 {ws.db_path}", file=sys.stderr)

    try:
        asyncio.run(serve(ws, host, port, ready))
    except KeyboardInterrupt:
        pass
    return 0


def _adduser(ws: Workspace, args) -> int:
    from generator.checks import review
    from generator.desk import approvals

    stages = [s.strip() for s in args.stages.replace("，", ",").split(",") if s.strip()]
    unknown = [s for s in stages if s not in review.STAGES]
    if unknown:
        print(f"错误：不认识的环节 “{unknown[0]}”，只能是 {'、'.join(review.STAGES)}", file=sys.stderr)
        return 1
    password, by_password = _passwords(args)
    if len(password) < 8:
        print("错误：密码至少 8 位。", file=sys.stderr)
        return 1
    cfg = ws.config()
    store = approvals.store_for(ws, cfg)
    now = ws.clock()
    first = not store.people()
    try:
        if first:
            trust = store.init_admin(args.name, password, now)
            if _pin(ws.config_path, trust):
                print(f"已建立第一位管理员 {args.name}，管理员公钥已写进 {ws.config_path.name}：\n  trust: {trust}")
            else:
                print(f"已建立第一位管理员 {args.name}。请把下面这一行写进 site_config.yaml（review: 下）：\n"
                      f"  trust: {trust}")
            if stages:
                store.add_person(args.name, stages, admin=True, password=password, by=args.name,
                                 by_password=password, now=now)
        else:
            store.add_person(args.name, stages, admin=args.admin, password=password, by=args.by,
                             by_password=by_password, now=now)
    except review.ReviewRefused as refused:
        print(f"错误：{refused}", file=sys.stderr)
        return 1
    accounts.create(ws.db_path, args.name, password, stages, args.admin or first, now)
    sessions.end_all(ws.db_path, args.name)
    print(f"已添加账号 {args.name}（{'、'.join(stages) or '写稿'}{'，管理员' if args.admin or first else ''}）。")
    return 0


def _pin(config_path: Path, trust: str) -> bool:
    """Write review.trust into a config that has no review section yet; False when a person must do
    it."""
    text = config_path.read_text(encoding="utf-8")
    if any(line.startswith("review:") for line in text.splitlines()):
        return False
    config_path.write_text(text.rstrip("\n") + f"\nreview:\n  trust: {trust}\n", encoding="utf-8")
    return True


def _passwords(args) -> tuple[str, str]:
    if args.password_stdin:
        lines = sys.stdin.read().splitlines() + ["", ""]
        return lines[0], lines[1]
    password = getpass.getpass(f"{args.name} 的密码：")
    by_password = getpass.getpass(f"登记人 {args.by} 的密码：") if args.by else ""
    return password, by_password
