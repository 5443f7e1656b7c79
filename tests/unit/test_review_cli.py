"""The `review` commands: an administrator starts a roster and adds people, reviewers sign with a password from
standard input (never from the command line), and every refusal is one Chinese line, never a traceback."""
from __future__ import annotations

import io
import sys

import pytest

from generator import cli
from tests.conftest import MINIMAL_CONFIG, STORY


def run(root, monkeypatch, capsys, *args, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.chdir(root)
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def office(make_site, monkeypatch, capsys):
    """A site whose administrator started a roster with the CLI and pinned its key, with one reviewer per stage."""
    root = make_site({"content/stories/a.md": STORY}, MINIMAL_CONFIG.replace("require_review: false",
                                                                           "require_review: true"))
    code, out, _ = run(root, monkeypatch, capsys, "review", "init", "--name", "管理员", "--password-stdin",
                       "--test-keys", stdin="admin-pass\n")
    assert code == 0 and "trust:" in out
    trust = out.split("trust: ")[1].split()[0]
    (root / "site_config.yaml").write_text((root / "site_config.yaml").read_text(encoding="utf-8")
                                           + f"review:\n  trust: {trust}\n", encoding="utf-8")
    for index, stage in enumerate(("初审", "一校", "复审", "二校", "三校", "终审"), 1):
        code, out, err = run(root, monkeypatch, capsys, "review", "roster", "add", f"审核人{index}", "--stages", stage,
                             "--by", "管理员", "--password-stdin", "--test-keys", stdin=f"admin-pass\npass-{index}\n")
        assert code == 0, err
    return root


def test_roster_list_sign_history_and_sheet(office, monkeypatch, capsys):
    code, out, _ = run(office, monkeypatch, capsys, "review", "roster", "list")
    assert code == 0 and "审核人6：可签 终审" in out
    for index, stage in enumerate(("初审", "一校", "复审", "二校", "三校", "终审"), 1):
        code, out, err = run(office, monkeypatch, capsys, "review", "sign", "content/stories/a.md", "--stage", stage,
                             "--name", f"审核人{index}", "--password-stdin", stdin=f"pass-{index}\n")
        assert code == 0 and f"已签署{stage}" in out, err
    code, out, _ = run(office, monkeypatch, capsys, "review", "history", "content/stories/a.md")
    assert "签署终审：审核人6" in out and "在线" in out
    code, out, _ = run(office, monkeypatch, capsys, "review", "sheet", "content/stories/a.md")
    sheet = (office / "reports/审核表/a.html").read_text(encoding="utf-8")
    assert "互联网信息发布审核表" in sheet and "审核人6" in sheet and "已审定，在线" in sheet
    code, out, _ = run(office, monkeypatch, capsys, "check")
    assert "已审定 1 篇" in out


def test_refusals_are_chinese_lines_without_a_traceback(office, monkeypatch, capsys):
    code, _, err = run(office, monkeypatch, capsys, "review", "sign", "content/stories/a.md", "--stage", "初审",
                       "--name", "审核人1", "--password-stdin", stdin="wrong-password\n")
    assert code == 1 and "审核人1 的密码不对" in err and "Traceback" not in err
    code, _, err = run(office, monkeypatch, capsys, "review", "sign", "content/stories/a.md", "--stage", "终审",
                       "--name", "审核人6", "--password-stdin", stdin="pass-6\n")
    assert code == 1 and "要先签初审" in err
    code, _, err = run(office, monkeypatch, capsys, "review", "roster", "add", "路人", "--stages", "终审", "--by",
                       "审核人1", "--password-stdin", stdin="pass-1\nnew-pass\n")
    assert code == 1 and "不是管理员" in err


def test_a_password_is_never_taken_from_the_command_line(office, monkeypatch, capsys):
    with pytest.raises(SystemExit):
        cli.main(["review", "sign", "content/stories/a.md", "--stage", "初审", "--name", "审核人1",
                  "--password", "pass-1"])
    code, _, err = run(office, monkeypatch, capsys, "review", "sign", "content/stories/a.md", "--stage", "初审",
                       "--name", "审核人1")
    assert code == 1 and "--password-stdin" in err  # no terminal to ask on: refuse rather than read a stray line


def test_return_and_withdraw(office, monkeypatch, capsys):
    code, out, err = run(office, monkeypatch, capsys, "review", "return", "content/stories/a.md", "--stage", "初审",
                         "--reason", "标题太长", "--name", "审核人1", "--password-stdin", stdin="pass-1\n")
    assert code == 0 and "标题太长" in out, err
    code, out, _ = run(office, monkeypatch, capsys, "check")
    assert "退回：审核人1在初审退回，理由：标题太长" in out
    code, out, err = run(office, monkeypatch, capsys, "review", "withdraw", "content/stories/a.md", "--name",
                         "审核人6", "--password-stdin", stdin="pass-6\n")
    assert code == 0 and "已撤稿" in out, err


def test_migrate_removes_old_blocks(make_site, monkeypatch, capsys):
    old = STORY.replace("---\n张三是", "review:\n  初审: {name: 王五, date: 2023-09-10}\nproof:\n  一校: {name: 李四, date: 2023-09-10}\n---\n张三是")
    root = make_site({"content/stories/a.md": old})
    code, out, _ = run(root, monkeypatch, capsys, "review", "migrate")
    assert code == 0 and "改了 1 个文件" in out
    assert (root / "content/stories/a.md").read_text(encoding="utf-8") == STORY


def test_keygen_replaces_a_forgotten_password(office, monkeypatch, capsys):
    code, out, err = run(office, monkeypatch, capsys, "review", "keygen", "审核人1", "--by", "管理员",
                         "--password-stdin", "--test-keys", stdin="admin-pass\nnew-pass-1\n")
    assert code == 0 and "换了新钥匙" in out, err
    code, _, err = run(office, monkeypatch, capsys, "review", "sign", "content/stories/a.md", "--stage", "初审",
                       "--name", "审核人1", "--password-stdin", stdin="pass-1\n")
    assert code == 1 and "密码不对" in err
    code, out, err = run(office, monkeypatch, capsys, "review", "sign", "content/stories/a.md", "--stage", "初审",
                         "--name", "审核人1", "--password-stdin", stdin="new-pass-1\n")
    assert code == 0, err
