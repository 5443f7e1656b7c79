"""A 倡议书 printed by Chromium: one A4 page, a formal notice (centred title, salutation flush left, indented body,
issuer and date right-aligned) and no site chrome. Positions come from the PDF itself (poppler's pdftotext -bbox)."""
from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
A4_POINTS = (595.3, 841.9)
CHROME = ("跳到正文", "字号", "主菜单", "订阅", "LED 屏幕预览")


def _letters(sample_site: Path) -> list[str]:
    return sorted(p.parent.relative_to(sample_site).as_posix() + "/" for p in sample_site.glob("letters/*/index.html")
                  if p.parent.name != "page")


def _pdf_lines(pdf: Path) -> tuple[tuple[float, float], list[tuple[float, float, str]]]:
    """The page size and every text line as (xMin, xMax, text), read with pdftotext -bbox-layout."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    root = ET.fromstring(xml)
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    page = root.find(".//h:page", ns)
    lines = [(float(line.get("xMin")), float(line.get("xMax")), "".join(w.text or "" for w in line.findall("h:word", ns)))
             for line in root.iterfind(".//h:line", ns)]
    return (float(page.get("width")), float(page.get("height"))), lines


def _block(lines: list[tuple[float, float, str]], text: str) -> list[tuple[float, float, str]]:
    """The consecutive lines that together read `text` (a long title may wrap); fails when there are none."""
    wanted = text.replace(" ", "")
    for start in range(len(lines)):
        joined = ""
        for end in range(start, len(lines)):
            joined += lines[end][2]
            if joined == wanted:
                return lines[start:end + 1]
            if not wanted.startswith(joined):
                break
    raise AssertionError(f"“{text}” is not in the printed page")


@pytest.fixture(scope="module")
def printed(browser, site_url, sample_site, tmp_path_factory):
    """Print each sample 倡议书 to A4 PDF and return (its page, pages in the PDF, page size, text lines)."""
    if not shutil.which("pdftotext"):
        pytest.fail("poppler-utils is missing: .ci/run installs it (apt-get install poppler-utils)")
    results, folder = [], tmp_path_factory.mktemp("print")
    page = browser.new_page()
    for path in _letters(sample_site):
        page.goto(site_url + path)
        pdf = folder / (path.strip("/").replace("/", "_") + ".pdf")
        pdf.write_bytes(page.pdf(format="A4"))
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
        size, lines = _pdf_lines(pdf)
        issuers = page.eval_on_selector_all(".signoff p", "ps => ps.map(p => p.innerText.trim())")
        salutation = page.locator(".salutation").inner_text().strip()
        results.append((path, pages, size, lines, issuers, salutation, page.locator("h1").inner_text().strip()))
    page.close()
    assert len(results) >= 3
    return results


def test_a_letter_prints_on_one_a4_page(printed):
    for path, pages, size, *_ in printed:
        assert pages == 1, path
        assert size == pytest.approx(A4_POINTS, abs=2), path


def test_issuer_and_date_are_right_aligned_and_the_title_centred(printed):
    for path, _, (width, _), lines, issuers, salutation, title in printed:
        left = min(x0 for x0, _, _ in lines)
        right = max(x1 for _, x1, _ in lines)
        for issuer in issuers:
            for x0, x1, _ in _block(lines, issuer):
                assert x1 == pytest.approx(right, abs=3), f"{path}: {issuer} ends at {x1}, the text column at {right}"
                assert x0 > width / 2, f"{path}: {issuer} starts left of the middle"
        for t0, t1, _ in _block(lines, title):
            assert (t0 + t1) / 2 == pytest.approx(width / 2, abs=6), f"{path}: title not centred"
        assert _block(lines, salutation)[0][0] == pytest.approx(left, abs=1), f"{path}: salutation not flush left"


def test_body_paragraphs_start_indented(printed):
    for path, _, _, lines, _, salutation, _ in printed:
        left = min(x0 for x0, _, _ in lines)
        first = lines[lines.index(_block(lines, salutation)[-1]) + 1]
        assert 15 < first[0] - left < 40, f"{path}: first paragraph indent {first[0] - left:.1f}pt (2em expected)"


def test_no_site_chrome_is_printed(printed):
    for path, _, _, lines, *_ in printed:
        text = "\n".join(line[2] for line in lines)
        assert [c for c in CHROME if c.replace(" ", "") in text.replace(" ", "")] == [], path
