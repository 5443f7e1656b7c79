"""Signing on the 编审台 against a real server: the password again for every signature, a reason for every
return, the next reviewer sees a signed stage at once, only 终审 may withdraw, and the audit log records it all."""
from __future__ import annotations

import urllib.parse

import pytest

from generator.checks.review import TEST_SCRYPT_N, ReviewStore
from generator import config
from generator.desk import audit
from tests.desk_helpers import NOW, PASSWORD, WRITER, Client, DeskServer

ARTICLE = "stories/2026-11-01-好人张三.md"
PAGE = f"/article?src={urllib.parse.quote(ARTICLE)}"
ORDER = [("陈初审", "初审"), ("赵一校", "一校"), ("刘复审", "复审"), ("孙二校", "二校"), ("周三校", "三校"),
         ("王终审", "终审")]


@pytest.fixture
def desk(desk_site, tmp_path):
    with DeskServer(desk_site(tmp_path / "site")) as server:
        yield server


def _store(desk) -> ReviewStore:
    return ReviewStore.for_config(config.load(desk.ws.config_path), desk.ws.content_dir, kdf_n=TEST_SCRYPT_N,
                                  now=NOW)


def test_signing_needs_the_password_again_and_the_next_reviewer_sees_it_at_once(desk):
    first = Client(desk.port)
    first.login("陈初审")
    first.get(PAGE)
    status, _, text = first.post("/article/sign", {"src": ARTICLE, "stage": "初审", "password": "not-mine-1"})
    assert status == 403 and "密码不对" in text
    assert first.post("/article/sign", {"src": ARTICLE, "stage": "初审", "password": PASSWORD})[0] == 302
    second = Client(desk.port)
    second.login("赵一校")
    _, _, inbox = second.get("/")
    assert inbox.index("好人张三") < inbox.index("全部稿件")  # in 等我处理
    _, _, page = second.get(PAGE)
    assert "陈初审 · 2026年11月20日" in page and "通过（一校）" in page
    assert [e.action for e in audit.recent(desk.ws.db_path, article=ARTICLE)][:2] == ["sign", "sign-bad-password"]


def test_a_return_needs_a_reason_and_the_writer_sees_it(desk):
    writer = Client(desk.port)
    writer.login(WRITER)
    _, _, form = writer.get(f"/write?src={urllib.parse.quote(ARTICLE)}")
    base = form.split('name="base" value="')[1].split('"')[0]
    writer.post("/write", {"type": "story", "src": ARTICLE, "base": base, "title": "好人张三", "date": "2026-11-01",
                           "person": "张三", "author": WRITER, "consent.who": "张三", "consent.date": "2026-10-20",
                           "body": "张三是柚苑社区的热心人。"})
    first = Client(desk.port)
    first.login("陈初审")
    first.get(PAGE)
    status, _, text = first.post("/article/return", {"src": ARTICLE, "stage": "初审", "reason": " ",
                                                     "password": PASSWORD})
    assert status == 400 and "请写明理由" in text
    assert first.post("/article/return", {"src": ARTICLE, "stage": "初审", "reason": "请核对张三的年龄。",
                                          "password": PASSWORD})[0] == 302
    _, _, inbox = writer.get("/")
    mine = inbox.split("全部稿件")[0]
    assert "请核对张三的年龄。" in mine and "已退回" in mine


def test_only_final_reviewers_withdraw_and_the_article_shows_withdrawn(desk):
    store = _store(desk)
    for name, stage in ORDER:
        store.sign(ARTICLE, stage, name, PASSWORD, NOW)
    reviewer = Client(desk.port)
    reviewer.login("刘复审")
    assert "撤稿…" not in reviewer.get(PAGE)[2]
    assert reviewer.post("/article/withdraw", {"src": ARTICLE, "reason": "x", "password": PASSWORD})[0] == 403
    final = Client(desk.port)
    final.login("王终审")
    assert "撤稿…" in final.get(PAGE)[2]
    assert final.post("/article/withdraw", {"src": ARTICLE, "reason": "当事人要求撤下。",
                                            "password": PASSWORD})[0] == 302
    _, _, inbox = final.get("/?state=withdrawn")
    assert "当事人要求撤下。" in inbox and "已撤下" in inbox
    _, _, page = final.get(PAGE)
    assert "王终审 撤稿（" not in page and "撤稿：当事人要求撤下。" in page


def test_the_inbox_filters_by_type_and_state(desk):
    client = Client(desk.port)
    client.login("陈初审")
    assert "好人张三" in client.get("/?type=story")[2]
    assert "好人张三" not in client.get("/?type=letter")[2]
    assert "好人张三" in client.get("/?state=mine")[2]
    assert "好人张三" not in client.get("/?state=live")[2]


def test_the_audit_log_is_for_administrators(desk):
    admin = Client(desk.port)
    admin.login("林文")
    status, _, text = admin.get("/audit")
    assert status == 200 and "登录" in text and "林文" in text


def test_someone_on_the_roster_gets_a_desk_account_on_first_login(desk):
    _store(desk).add_person("郑新人", ["二校"], admin=False, password="new-person-1", by="林文",
                            by_password=PASSWORD, now=NOW)
    assert Client(desk.port).login("郑新人", "wrong-password") == 403
    client = Client(desk.port)
    assert client.login("郑新人", "new-person-1") == 302
    assert "郑新人（二校）" in client.get("/")[2]
    assert Client(desk.port).login("不在名单", "new-person-1") == 403
