"""Dates as staff write them."""
from datetime import date, datetime, time

import pytest

from generator.base.dates import chinese_date, parse_date, parse_datetime, parse_time


@pytest.mark.parametrize("text", ["2023-09-11", "2023年9月11日", "2023/9/11", "2023.9.11", "２０２３年９月１１日", " 2023-9-11 "])
def test_accepted_date_forms(text):
    assert parse_date(text) == date(2023, 9, 11)


@pytest.mark.parametrize("text,message", [
    ("9月11日", "缺少年份"), ("09-11", "缺少年份"), ("2023-02-29", "不存在"), ("2023年13月1日", "不存在"), ("明天", "看不懂日期"),
])
def test_rejected_dates_say_why(text, message):
    with pytest.raises(ValueError, match=message):
        parse_date(text)


def test_datetimes_and_times():
    assert parse_datetime("2024-03-05 08:30") == datetime(2024, 3, 5, 8, 30)
    assert parse_datetime("2024年3月5日 8时30分") == datetime(2024, 3, 5, 8, 30)
    assert parse_datetime("2024-03-05T20:00") == datetime(2024, 3, 5, 20, 0)
    assert parse_datetime("2024-03-05") == datetime(2024, 3, 5)
    assert parse_time("24:00") == time(23, 59, 59)
    with pytest.raises(ValueError):
        parse_time("25:00")


def test_chinese_date():
    assert chinese_date(date(2023, 9, 1)) == "2023年9月1日"
