"""三审三校 that holds: only revisions signed by entitled people, in order and with separation of duties, are
published; forged records are ignored and reported with file and line; an edit waits while the approved revision
stays live on the site, WeChat and LED; withdrawal and deletion take an article off every channel."""
from __future__ import annotations

import hashlib
import io
import os
import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from generator import config
from generator.build.pipeline import BuildOptions, build
from generator.checks.review import STAGES, ReviewRefused, fingerprint, journal, keys
from generator.checks.review.history import path_of, record_of
from generator.checks.review.records import canonical, stamp
from generator.model import content
from tests.approvals import (ADMIN, ADMIN_PASSWORD, PASSWORD, REVIEWERS, approve, make_roster, next_time, sign,
                             store)
from tests.conftest import MINIMAL_CONFIG, write_tree

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
NOW = datetime(2024, 6, 1, 9, 0)


def _png(colour) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "PNG")
    return out.getvalue()


STORY = """\
---
title: 好人张三
date: 2023-09-11
summary: 张三常年帮助邻居。
tags: [助人为乐, 柚苑社区]
author: 通讯员小方
person: 张三
category: 助人为乐
honour: 2023年常山好人
honour_level: 县
cover: images/cover.png
cover_alt: 张三在社区里
consent: {who: 张三, date: 2023-09-01}
led:
  text: [张三常年帮助邻居]
---
张三是柚苑社区的热心人。

![张三帮邻居修水管](images/body.png)
"""
LETTER = """\
---
title: 文明出行倡议书
date: 2023-09-12
issuer: [常山县文明办]
signed: 2023-09-12
---
请大家文明出行。
"""
FILES = {"content/stories/a.md": STORY, "content/letters/l.md": LETTER,
         "content/images/cover.png": _png("red"), "content/images/body.png": _png("blue")}


def _build(root: Path, preview: bool = False, out: str = "public"):
    cfg = config.load(root / "site_config.yaml")
    # With a cache, as make build runs: every test's second build also proves nothing stale is taken from it.
    return build(cfg, BuildOptions(root / "content", root / out, TEMPLATES, NOW, preview=preview,
                                   cache_dir=root / ".cache", ledger=root / "reports/ledger.csv"))


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _outputs(site: Path) -> dict[str, str]:
    """The website and the staff folder (WeChat, LED) together."""
    return {**_tree(site / "public"), **{f"staff/{rel}": sha for rel, sha in _tree(site / "staff").items()}}


def _published(root: Path) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="ignore") for p in (root / "public").rglob("*")
                   if p.is_file() and p.suffix in (".html", ".json", ".txt", ".xml"))


@pytest.fixture(scope="module")
def approved(tmp_path_factory) -> Path:
    """FILES with a roster and both articles approved, made once per module: copy it, never
    change it."""
    root = tmp_path_factory.mktemp("approved") / "site"
    write_tree(root, {"site_config.yaml": MINIMAL_CONFIG, **FILES})
    make_roster(root)
    approve(root)
    return root


@pytest.fixture(scope="module")
def approved_built(approved, tmp_path_factory) -> Path:
    """`approved` after one build: public/, staff/, its cache and the ledger (copy it, never
    change it)."""
    root = Path(shutil.copytree(approved, tmp_path_factory.mktemp("built") / "site"))
    _build(root)
    return root


@pytest.fixture
def site(approved, tmp_path) -> Path:
    """A copy of the approved site, not built yet."""
    return Path(shutil.copytree(approved, tmp_path / "site"))


@pytest.fixture
def built(approved_built, tmp_path) -> Path:
    """A copy of the approved site as its first build left it: edit it and build again."""
    return Path(shutil.copytree(approved_built, tmp_path / "site"))


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / "content" / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _page(root: Path, article: str):
    site = content.load_site(config.load(root / "site_config.yaml"), root / "content")
    return next(p for p in site.pages if p.source == article)


def _raw_record(root: Path, article: str, stage: str, signer: str, revision: str | None = None,
                kind: str = "approve") -> dict:
    """A validly signed record written past the tool's own checks (as someone holding the key could)."""
    review = store(root)
    if revision is None:
        page = _page(root, article)
        revision = review.status(page).working
    keyfile = json.loads((root / "content/_review/keys" / f"{signer}.json").read_text(encoding="utf-8"))
    path = path_of(review.dir, article)
    record = record_of(kind, article, revision, stage, signer, stamp(next_time(review, article)), "",
                       journal.tail_hash(path))
    record["sig"] = keys.sign(keys.unlock(keyfile, PASSWORD), canonical(record))
    journal.append(path, record)
    return record


def _sign_until(root: Path, article: str, last: str) -> None:
    for stage in STAGES[:STAGES.index(last) + 1]:
        sign(root, article, stage)


def _fresh(make_site, **extra) -> Path:
    root = make_site(FILES)
    make_roster(root, extra)
    return root


def _problems(report, code: str) -> list:
    return [p for p in report.warnings if p.code == code]


# --- the happy path -------------------------------------------------------------------------------------------

def test_an_approved_site_publishes_everything(site):
    report = _build(site)
    assert report.held_back == [] and report.published == 2
    assert (site / "public/stories/a/index.html").exists() and (site / "staff/wechat/a/article.html").exists()
    assert "好人张三" in (site / "staff/led/gate/playlist.json").read_text(encoding="utf-8")


def test_nothing_signed_publishes_nothing(make_site):
    root = _fresh(make_site)
    report = _build(root)
    assert report.published == 0 and sorted(report.held_back) == ["letters/l.md", "stories/a.md"]
    assert {p.code for p in report.warnings} >= {"review.missing"}


# --- forgery --------------------------------------------------------------------------------------------------

def _forged_lines(report) -> list[str]:
    return [f"{Path(p.path).name}:{p.line}" for p in report.warnings if p.code in ("review.forged", "review.policy")]


def test_a_hand_written_record_is_ignored_and_reported(make_site):
    root = _fresh(make_site)
    _sign_until(root, "stories/a.md", "三校")
    review = store(root)
    page = _page(root, "stories/a.md")
    path = path_of(review.dir, "stories/a.md")
    record = record_of("approve", "stories/a.md", review.status(page).working, "终审", REVIEWERS["终审"],
                       stamp(next_time(review, "stories/a.md")), "", journal.tail_hash(path))
    record["sig"] = keys.b64(b"\0" * 64)
    journal.append(path, record)
    report = _build(root)
    assert "stories/a.md" in report.held_back and not (root / "public/stories/a").exists()
    assert _forged_lines(report) == [f"{path.name}:6"]
    problem = _problems(report, "review.forged")[0]
    assert problem.is_error and "签名不对" in problem.message and REVIEWERS["终审"] in problem.message


def test_a_record_copied_from_another_article_is_ignored(make_site):
    root = _fresh(make_site)
    approve(root, "letters/l.md")
    _sign_until(root, "stories/a.md", "三校")
    review = store(root)
    letter_line = journal.read(path_of(review.dir, "letters/l.md"))[-1].text
    with open(path_of(review.dir, "stories/a.md"), "a", encoding="utf-8") as out:
        out.write(letter_line + "\n")
    report = _build(root)
    assert "stories/a.md" in report.held_back and (root / "public/letters/l/index.html").exists()
    assert any("另一篇文章" in p.message for p in _problems(report, "review.forged"))


def test_a_record_copied_from_another_revision_is_ignored(site):
    _edit(site, "stories/a.md", "热心人", "热心肠")
    _sign_until(site, "stories/a.md", "三校")
    review = store(site)
    path = path_of(review.dir, "stories/a.md")
    old_final = json.loads(journal.read(path)[5].text)
    assert old_final["stage"] == "终审"
    page = _page(site, "stories/a.md")
    copied = dict(old_final, revision=review.status(page).working, prev=journal.tail_hash(path),
                  time=stamp(next_time(review, "stories/a.md")))
    journal.append(path, copied)
    report = _build(site)
    assert report.held_back == ["stories/a.md"]
    assert "热心人" in (site / "public/stories/a/index.html").read_text(encoding="utf-8")
    assert "热心肠" not in _published(site)
    assert _forged_lines(report) == [f"{path.name}:12"]


def test_a_recomputed_fingerprint_without_the_key_publishes_nothing(site):
    _edit(site, "stories/a.md", "热心人", "热心肠")
    review = store(site)
    page = _page(site, "stories/a.md")
    new = fingerprint.revision(page, lambda p, src: content.find_image(site / "content", p, src)).fingerprint
    path = path_of(review.dir, "stories/a.md")
    lines, prev = [], ""
    for line in journal.read(path):  # every record pointed at the new text, the chain rebuilt: only the key is missing
        record = dict(line.record, revision=new, prev=prev)
        text = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        lines.append(text)
        prev = hashlib.sha256(text.encode()).hexdigest()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = _build(site)
    assert "热心肠" not in _published(site) and not (site / "public/stories/a").exists()
    assert len(_problems(report, "review.forged")) == 6


def test_a_roster_edited_by_hand_is_refused(site):
    roster = site / "content/_review/roster.jsonl"
    lines = roster.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[1])
    record["stages"] = list(STAGES)  # 初审甲 may now sign everything?
    lines[1] = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = _build(site)
    assert report.published == 0
    messages = [f"{Path(p.path).name}:{p.line}: {p.message}" for p in _problems(report, "review.roster")]
    assert messages[0].startswith("roster.jsonl:2: 审核名单第 2 行无效")


def test_a_person_added_to_the_roster_with_a_home_made_key_cannot_approve(site):
    keyfile, public = keys.new_key("冒充者", "attacker-pw", n=keys.TEST_SCRYPT_N)
    roster = site / "content/_review/roster.jsonl"
    record = {"v": 1, "kind": "person", "name": "冒充者", "stages": list(STAGES), "admin": True, "public": public,
              "removed": False, "by": "冒充者", "time": "2023-01-02T09:00:00+08:00",
              "prev": journal.tail_hash(roster)}
    record["sig"] = keys.sign(keys.unlock(keyfile, "attacker-pw"), canonical(record))
    journal.append(roster, record)
    review = store(site)
    assert "冒充者" not in {p.name for p in review.people()}
    with pytest.raises(ReviewRefused):
        review.sign("stories/a.md", "初审", "冒充者", "attacker-pw", datetime(2024, 1, 1).astimezone())
    assert any(p.code == "review.roster" for p in _build(site).warnings)


def test_the_roster_must_match_the_pinned_trust_key(site):
    cfg_path = site / "site_config.yaml"
    other, _ = keys.new_key("x", "whatever", n=keys.TEST_SCRYPT_N)
    text = cfg_path.read_text(encoding="utf-8")
    trust = config.load(cfg_path).review.trust
    cfg_path.write_text(text.replace(trust, other["public"]), encoding="utf-8")
    report = _build(site)
    assert report.published == 0 and any("根管理员" in p.message for p in _problems(report, "review.roster"))


def test_a_signer_not_entitled_to_the_stage_is_refused_and_their_record_ignored(make_site):
    root = _fresh(make_site, 多面手=["初审"])
    _sign_until(root, "stories/a.md", "三校")
    with pytest.raises(ReviewRefused, match="无权签署终审"):
        sign(root, "stories/a.md", "终审", "多面手")
    _raw_record(root, "stories/a.md", "终审", "多面手")
    report = _build(root)
    assert "stories/a.md" in report.held_back
    assert any("无权签署终审" in p.message and p.line == 6 for p in _problems(report, "review.policy"))


def test_the_same_person_on_two_review_stages_is_refused(make_site):
    root = _fresh(make_site, 两头签=["初审", "复审"])
    sign(root, "stories/a.md", "初审", "两头签")
    sign(root, "stories/a.md", "一校")
    with pytest.raises(ReviewRefused, match="三个不同的人"):
        sign(root, "stories/a.md", "复审", "两头签")
    _raw_record(root, "stories/a.md", "复审", "两头签")
    for stage in ("二校", "三校", "终审"):
        _raw_record(root, "stories/a.md", stage, REVIEWERS[stage])
    report = _build(root)
    assert "stories/a.md" in report.held_back
    assert any("三个不同的人" in p.message and p.line == 3 for p in _problems(report, "review.policy"))


def test_the_author_may_not_proofread_or_finally_approve(make_site):
    root = _fresh(make_site, 通讯员小方=["一校", "终审"])
    sign(root, "stories/a.md", "初审")
    with pytest.raises(ReviewRefused, match="作者"):
        sign(root, "stories/a.md", "一校", "通讯员小方")


def test_stages_out_of_order_are_refused_and_ignored(make_site):
    root = _fresh(make_site)
    with pytest.raises(ReviewRefused, match="要先签初审"):
        sign(root, "stories/a.md", "一校")
    for stage in reversed(STAGES):
        _raw_record(root, "stories/a.md", stage, REVIEWERS[stage])
    report = _build(root)
    assert "stories/a.md" in report.held_back
    assert any("要先签" in p.message for p in _problems(report, "review.policy"))


def test_wrong_password_signs_nothing(site):
    _edit(site, "stories/a.md", "热心人", "热心肠")
    with pytest.raises(ReviewRefused, match="密码不对"):
        sign(site, "stories/a.md", "初审", password="not-the-password")
    assert len(store(site).history("stories/a.md")) == 6


def test_a_record_dated_in_the_future_is_ignored(make_site):
    root = _fresh(make_site)
    review = store(root)
    review.sign("stories/a.md", "初审", REVIEWERS["初审"], PASSWORD, datetime(2030, 1, 1).astimezone())
    report = _build(root)
    assert any("还没到" in p.message for p in _problems(report, "review.future"))


# --- edits after approval: the approved revision stays live ---------------------------------------------------

CHANGES = {
    "body": ("stories/a.md", "热心人", "热心肠"),
    "title": ("stories/a.md", "title: 好人张三", "title: 好人张三丰"),
    "person": ("stories/a.md", "person: 张三\n", "person: 李四\n", "who: 张三", "who: 李四"),
    "honour": ("stories/a.md", "honour: 2023年常山好人", "honour: 2023年中国好人"),
    "honour_level": ("stories/a.md", "honour_level: 县", "honour_level: 中国好人榜"),
    "tags": ("stories/a.md", "tags: [助人为乐, 柚苑社区]", "tags: [助人为乐, 柚苑社区, 假标签]"),
    "cover file": ("stories/a.md", "cover: images/cover.png", "cover: images/body.png"),
    "led text": ("stories/a.md", "text: [张三常年帮助邻居]", "text: [未经审核的紧急通知]"),
    "led emergency": ("stories/a.md", "  text: [张三常年帮助邻居]", "  text: [张三常年帮助邻居]\n  emergency: true\n  priority: 9"),
    "consent": ("stories/a.md", "consent: {who: 张三, date: 2023-09-01}", "consent: {who: 张三, date: 2023-09-02}"),
    "date": ("stories/a.md", "date: 2023-09-11", "date: 2023-09-15"),
    "issuer": ("letters/l.md", "issuer: [常山县文明办]", "issuer: [常山县人民政府]"),
    "signed": ("letters/l.md", "signed: 2023-09-12", "signed: 2023-09-13"),
}


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_a_change_after_approval_waits_and_the_approved_revision_stays_live(built, name):
    site = built
    rel, *edits = CHANGES[name]
    before = _outputs(site)
    for old, new in zip(edits[::2], edits[1::2]):
        _edit(site, rel, old, new)
    report = _build(site)
    assert report.held_back == [rel]
    assert _outputs(site) == before, "site, WeChat and LED all still show the approved revision"
    approve(site, rel)
    report = _build(site)
    assert report.held_back == [] and _outputs(site) != before, "once approved, the new revision goes live"


@pytest.mark.parametrize("image", ["cover.png", "body.png"])
def test_new_image_bytes_wait_and_the_approved_bytes_stay_live(built, image):
    site = built
    before = _outputs(site)
    (site / "content/images" / image).write_bytes(_png("green"))
    report = _build(site)
    assert report.held_back == ["stories/a.md"] and _outputs(site) == before


def test_an_image_swapped_for_a_link_to_other_bytes_of_the_same_size_and_time_waits(site):
    _build(site)
    before = _outputs(site)
    image = site / "content/images/cover.png"
    other = site / "content/other.png"
    data = image.read_bytes()
    other.write_bytes(data[:-20] + bytes(20))  # other bytes, same size
    stat = image.stat()
    os.utime(other, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    image.unlink()
    image.symlink_to(other)
    report = _build(site)
    assert report.held_back == ["stories/a.md"] and _outputs(site) == before


def test_the_preview_shows_the_working_file_marked(site):
    _edit(site, "stories/a.md", "热心人", "热心肠")
    _build(site, preview=True, out=".preview")
    page = (site / ".preview/stories/a/index.html").read_text(encoding="utf-8")
    assert "热心肠" in page and "未审定 · 仅供预览（待签：初审、一校、复审、二校、三校、终审）" in page


def test_a_copy_under_a_new_name_is_not_published(site):
    shutil.copy(site / "content/stories/a.md", site / "content/stories/copy.md")
    (site / "content/stories/copy.md").write_text(
        (site / "content/stories/copy.md").read_text(encoding="utf-8").replace("title: 好人张三", "title: 好人张三\nslug: copy"),
        encoding="utf-8")
    report = _build(site)
    assert report.held_back == ["stories/copy.md"] and not (site / "public/stories/copy").exists()


def test_a_plain_copy_of_an_approved_file_is_a_new_unapproved_article(site):
    shutil.copy(site / "content/stories/a.md", site / "content/stories/b.md")
    report = _build(site)
    assert report.held_back == ["stories/b.md"] and not (site / "public/stories/b").exists()


def test_the_snapshot_is_checked_against_its_fingerprint(site):
    snapshot = next((site / "content/_review/revisions").rglob("article.md"))
    snapshot.write_text(snapshot.read_text(encoding="utf-8").replace("热心人", "坏人"), encoding="utf-8")
    report = _build(site)
    assert "坏人" not in _published(site) and any(p.code == "review.snapshot" for p in report.warnings)


def test_check_reports_a_finding_in_a_held_back_edit_and_the_build_keeps_the_approved_revision(
        site, capsys):
    from generator.cli import main

    _edit(site, "stories/a.md", "热心人。", "热心人，电话13800138000。")
    args = ["--config", str(site / "site_config.yaml")]
    assert main(["check", *args]) == 1
    checked = capsys.readouterr().out
    assert "content/stories/a.md:17:15: 错误：正文里有手机号" in checked and "138****8000" in checked
    assert main(["build", *args, "--build-time", "2024-06-01T09:00"]) == 0
    built = capsys.readouterr()
    built = built.out + built.err
    assert "有 1 篇未完成三审三校" in built and "content/stories/a.md:1:1: 警告：当前版本" in built
    assert "网上仍是已审定的版本" in built
    assert "热心人。" in (site / "public/stories/a/index.html").read_text(encoding="utf-8")
    assert "13800138000" not in _published(site)


# --- withdrawal, deletion, history ----------------------------------------------------------------------------

def test_withdrawal_takes_the_article_off_every_channel_and_history_keeps_it(built):
    site = built
    review = store(site)
    review.withdraw("stories/a.md", REVIEWERS["终审"], PASSWORD, "当事人要求撤下", next_time(review, "stories/a.md"))
    report = _build(site)
    assert report.held_back == ["stories/a.md"]
    assert not (site / "public/stories/a").exists() and not (site / "staff/wechat/a").exists()
    assert "好人张三" not in (site / "staff/led/gate/playlist.json").read_text(encoding="utf-8")
    kinds = [e.kind for e in store(site).history("stories/a.md")]
    assert kinds == ["approve"] * 6 + ["withdraw"]
    [note] = _problems(report, "review.withdrawn")
    assert note.path.endswith("stories/a.md") and not note.is_error
    assert f"已由{REVIEWERS['终审']}撤稿，所有渠道都已撤下" in note.message


def test_only_someone_entitled_to_the_final_stage_may_withdraw(site):
    review = store(site)
    with pytest.raises(ReviewRefused, match="无权撤稿"):
        review.withdraw("stories/a.md", REVIEWERS["初审"], PASSWORD, "", next_time(review, "stories/a.md"))


def test_a_return_needs_a_reason_and_blocks_the_revision(make_site):
    root = _fresh(make_site)
    sign(root, "stories/a.md", "初审")
    review = store(root)
    with pytest.raises(ReviewRefused, match="理由"):
        review.return_("stories/a.md", "一校", REVIEWERS["一校"], PASSWORD, " ", next_time(review, "stories/a.md"))
    review.return_("stories/a.md", "一校", REVIEWERS["一校"], PASSWORD, "第二段人名写错了",
                   next_time(review, "stories/a.md"))
    with pytest.raises(ReviewRefused, match="退回"):
        sign(root, "stories/a.md", "一校")
    report = _build(root)
    assert any(p.code == "review.returned" and "第二段人名写错了" in p.message for p in report.warnings)


def test_a_deleted_working_file_leaves_the_site(built):
    site = built
    (site / "content/stories/a.md").unlink()
    report = _build(site)
    assert not (site / "public/stories/a").exists() and report.published == 1


def test_make_clean_then_build_publishes_the_same_site(built):
    site = built
    before = _outputs(site)
    ledger = (site / "reports/ledger.csv").read_bytes()
    for folder in ("public", ".cache", "reports"):
        shutil.rmtree(site / folder, ignore_errors=True)
    _build(site)
    assert _outputs(site) == before and (site / "reports/ledger.csv").read_bytes() == ledger


def test_old_sign_off_blocks_are_refused_with_a_migration_hint(make_site):
    root = make_site({"content/stories/a.md": STORY.replace("---\n张三是", "review:\n  初审: {name: 王五, date: 2023-09-10}\n---\n张三是")})
    from generator.base.errors import BuildFailed

    with pytest.raises(BuildFailed) as failed:
        _build(root)
    problem = failed.value.problems[0]
    assert problem.code == "review.legacy" and "review migrate" in problem.hint and problem.line == 16


def test_test_keys_are_cheap_but_real_keys_are_not():
    cheap, _ = keys.new_key("甲", "password", n=keys.TEST_SCRYPT_N)
    real, _ = keys.new_key("乙", "password")
    assert cheap["kdf"]["n"] == 2 ** 4 and real["kdf"]["n"] >= 2 ** 15
    assert keys.unlock(real, "password") is not None
    with pytest.raises(ReviewRefused):
        keys.unlock(real, "wrong-password")
