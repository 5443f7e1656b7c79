"""Personal-data detection: generated IDs, phones and cards are all caught, look-alikes are not, masks are right."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import config
from generator.model import content
from generator.checks import mask_site, run_checks
from generator.checks.privacy import find, luhn, mask, valid_id

PROVINCES = ["11", "13", "23", "31", "33", "35", "44", "51", "65", "71", "81", "82"]
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

chinese = st.text(alphabet=st.one_of(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),
                                     st.sampled_from(list("，。、；：？！“”（）《》 \n"))), max_size=30)


def with_check_digit(first17: str) -> str:
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


@st.composite
def resident_ids(draw) -> str:
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2024, 12, 31)))
    region = draw(st.sampled_from(PROVINCES)) + draw(st.from_regex(r"[0-9]{2}[0-9][1-9]", fullmatch=True))
    return with_check_digit(region + born.strftime("%Y%m%d") + draw(st.from_regex(r"[0-9]{3}", fullmatch=True)))


@st.composite
def mobiles(draw) -> tuple[str, str]:
    """A mobile number as people write it, and its 11 digits."""
    number = draw(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
    sep = draw(st.sampled_from(["", " ", "-"]))
    written = number[:3] + sep + number[3:7] + sep + number[7:]
    prefix = draw(st.sampled_from(["", "+86", "+86 ", "86-", "(+86)", "0086 "]))
    return prefix + written, number


@st.composite
def bank_cards(draw) -> str:
    body = "62" + draw(st.from_regex(r"[0-9]{13,16}", fullmatch=True))
    return next(body + d for d in "0123456789" if luhn(body + d))


FAST = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(resident_ids(), chinese, chinese)
def test_every_generated_resident_id_is_caught(number, before, after):
    text = before + number + after
    hits = [h for h in find(text) if h.kind == "id"]
    assert [(h.start, h.end) for h in hits] == [(len(before), len(before) + 18)]
    masked = mask(text)
    assert number not in masked and number[:2] + "*" * 13 + number[-3:] in masked


@FAST
@given(mobiles(), chinese, chinese)
def test_every_generated_mobile_is_caught(written, before, after):
    phone, number = written
    text = before + phone + after
    hits = find(text)
    assert [h.kind for h in hits] == ["phone"]
    assert text[hits[0].start:hits[0].end].endswith(phone[-4:])
    assert number[:3] + "****" + number[-4:] in mask(text)
    assert number not in mask(text).replace(" ", "").replace("-", "")


@FAST
@given(bank_cards(), chinese, chinese)
def test_every_luhn_valid_card_is_caught(card, before, after):
    hits = find(before + card + after)
    assert [h.kind for h in hits] == ["bankcard"]
    assert hits[0].masked == "*" * (len(card) - 4) + card[-4:]


@FAST
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
       st.from_regex(r"[0-9]{8,11}", fullmatch=True), chinese)
def test_order_numbers_that_start_with_a_date_are_not_flagged(day, serial, before):
    assert find(before + "订单" + day.strftime("%Y%m%d") + serial) == []
    assert find(before + day.strftime("%Y%m%d") + serial + "号快递") == []


LOOK_ALIKES = [
    "订单号：202309111234567890", "快递单号 13812345678 已签收", "2023年9月11日上午", "20230911",
    "服务群众1600余人次", "新中国成立于1949年", "捐款12,000元", "总投资3.5亿元", "早上8:30集合",
    "2023-09-11 08:30", "常政办发〔2023〕12号", "第3号台风", "在3号楼会议室", "9月12号开会", "公园3号门",
    "领导小组3号文件", "圆周率3.14159265358", "邮编324200", "12345678901", "拨打10086或12345热线",
    "注册志愿者91860人", "服务时长1537420小时", "身份证号码已核验", "浙江省常山县", "浙A", "1号线地铁",
    "320国道", "53座电瓶车棚", "第5组", "城东村5组开展活动", "310000198001011234",  # wrong checksum
    "ISBN 9787020002207", "版本 v2.13.8", "比分3:2", "0570", "电话请咨询社区", "三年级2班",
]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_are_not_flagged(text):
    assert find(text) == []


@pytest.mark.parametrize("text, kind, masked", [
    ("电话13812345678", "phone", "电话138****5678"),
    ("手机：+86 138 1234 5678。", "phone", "手机：+86 138****5678。"),
    ("号码11010519491231002X", "id", "号码11*************02X"),
    ("老身份证330822800101123", "id", "老身份证33**********123"),
    ("家里电话0570-5551234", "landline", "家里电话0570-****234"),
    ("家里电话(0570)5551234", "landline", "家里电话0570-****234"),
    ("家住紫港街道柚香路88号3幢2单元501室。", "address", "家住紫港街道。"),
    ("常山县天马街道城东村12号", "address", "常山县天马街道"),
    ("柚苑小区3幢2单元501室", "address", "***"),
    ("车牌浙H·12345", "plate", "车牌浙H·***45"),
    ("新能源车浙HD12345", "plate", "新能源车浙H·****45"),
])
def test_masking_formats(text, kind, masked):
    assert [h.kind for h in find(text)] == [kind]
    assert mask(text) == masked


def test_full_width_digits_are_caught():
    assert [h.kind for h in find("电话１３８１２３４５６７８")] == ["phone"]


def test_id_validation():
    good = with_check_digit("33082219800101123")
    assert valid_id(good)
    assert not valid_id(good[:-1] + ("0" if good[-1] != "0" else "1"))
    assert not valid_id(with_check_digit("33082219800231123"))  # 31 February
    assert not valid_id(with_check_digit("99082219800101123"))  # no such province


STORY = """\
---
title: 好人张三
date: 2023-09-11
person: 张三
summary: 张三常年帮助邻居。
consent: {{who: 张三, date: 2023-09-01}}
led:
  text: [张三 好样的]
---
张三是柚苑社区的热心人。

{body}
"""


def load(root: Path):
    cfg = config.load(root / "site_config.yaml")
    return cfg, content.load_site(cfg, root / "content")


def privacy_of(result):
    return [p for p in result.problems if p.code.startswith("privacy.")]


def test_findings_are_blocking_with_masked_excerpt_and_real_line(make_site):
    cfg, site = load(make_site({"content/stories/a.md": STORY.format(body="有事请打13812345678找他。")}))
    [problem] = privacy_of(run_checks(site, cfg, today=date(2023, 9, 12)))
    assert problem.is_error and problem.code == "privacy.phone"
    assert (problem.line, Path(problem.path).name) == (12, "a.md")
    assert "138****5678" in problem.message and "13812345678" not in problem.format()


def test_mask_mode_warns_and_masks_outputs_but_not_sources(make_site):
    root = make_site({"content/stories/a.md": STORY.format(body="身份证11010519491231002X，手机13812345678。")},
                     config=MASK_CONFIG)
    before = (root / "content/stories/a.md").read_bytes()
    cfg, site = load(root)
    checked = privacy_of(run_checks(site, cfg, today=date(2023, 9, 12)))
    masked, notes = mask_site(site, cfg)
    assert notes == checked and all(not n.is_error for n in notes) and len(notes) == 2
    page = masked.pages[0]
    assert "11*************02X" in page.body and "138****5678" in page.body
    assert "13812345678" not in page.source_text and site.pages[0].body != page.body
    assert (root / "content/stories/a.md").read_bytes() == before


MASK_CONFIG = """\
site:
  title: 测试站
  base_url: https://example.gov.cn/
privacy:
  mask: true
"""


def test_titles_alt_texts_captions_and_led_text_are_scanned(make_site):
    page = """\
    ---
    title: 联系 13812345678
    date: 2023-09-11
    photos:
      - src: a.jpg
        alt: 门牌是柚香路88号
        caption: 车牌浙H12345
    led:
      text: [咨询 0570-5551234]
    ---
    正文。
    """
    cfg, site = load(make_site({"content/activities/a.md": page}))
    found = {(p.code, p.line) for p in privacy_of(run_checks(site, cfg, today=date(2023, 9, 12)))}
    assert found == {("privacy.phone", 2), ("privacy.address", 6), ("privacy.plate", 7), ("privacy.landline", 9)}
    masked, _ = mask_site(site, cfg)
    meta = masked.pages[0].meta
    assert (meta.title, meta.photos[0].caption, meta.led.text[0]) == ("联系 138****5678", "车牌浙H·***45", "咨询 0570-****234")


def test_data_files_are_scanned_and_public_numbers_allowed(make_site):
    root = make_site({
        "content/_data/teams.yaml": "teams:\n  - name: 服务队\n    phone: 13812345678\n    office: 0570-5028899\n",
        "content/_data/privacy.yaml": "allow: [0570-5028899]\n",
        "content/pages/contact.md": "---\ntitle: 联系我们\ndate: 2023-09-11\n---\n办公电话 0570-5028899。\n",
    })
    cfg, site = load(root)
    [problem] = privacy_of(run_checks(site, cfg, today=date(2023, 9, 12)))
    assert (Path(problem.path).name, problem.line, problem.code) == ("teams.yaml", 3, "privacy.phone")
    assert problem.is_error


def test_the_site_contact_number_is_allowed(make_site):
    config_text = "site:\n  title: 测试站\n  base_url: https://example.gov.cn/\n  contact: 县文明办 0570-5012345\n"
    page = "---\ntitle: 联系\ndate: 2023-09-11\n---\n电话 0570-5012345，值班 0570-5012346\n"
    cfg, site = load(make_site({"content/pages/contact.md": page}, config=config_text))
    assert [p.message for p in privacy_of(run_checks(site, cfg, today=date(2023, 9, 12)))] == [
        "正文里有固定电话：“…0570-5012345，值班 0570-****346”"]
