"""The search index: Chinese terms, the posting code, page text, shards and output files."""
from __future__ import annotations

import json

from hypothesis import given, settings, strategies as st

from generator.formats.site.search import (INDEX_DIR, code_postings, index_texts, page_text,
                              shard_of, tokens)

BASE = "/wenming/"


def _page(slug: str, title: str, body: str) -> tuple[str, str, str]:
    html = (f"<!DOCTYPE html><html lang=zh-CN><head><title>{title}</title><script>var x = '志愿';</script></head>"
            f"<body><nav>首页 榜样人物</nav><main><article><h1>{title}</h1>"
            f"<dl class=\"meta\"><div><dt>来源</dt><dd>县文明办</dd></div></dl><div class=body>{body}</div>"
            f"<p class=tools><button hidden>朗读全文</button></p></article></main><footer>常山县文明办</footer></body></html>")
    return f"{BASE}{slug}/", title, html


PAGES = [
    _page("stories/a", "送餐路上的柚苑女儿", "<p>周美娟每天给独居老人送餐。</p><p>她是柚见好邻里志愿者。</p>"),
    _page("activities/b", "垃圾分类积分兑换日", "<p>村民用垃圾分类积分换洗衣液。</p><p>志愿者现场讲解。</p>"),
    _page("letters/c", "文明交通倡议书", "<p>礼让斑马线，戴好安全帽。</p>"),
]


def _load(files: dict[str, bytes], name: str):
    return json.loads(files[INDEX_DIR + name])


# The alphabet search.js decodes with: digits < 32 end a number, digits ≥ 32 carry five more bits.
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"


def build_index(pages, base_path, shard_bytes=None):
    """The index files of (url, title, html) pages, their text extracted as the build does."""
    texts = [(url, title, page_text(html)) for url, title, html in pages]
    return index_texts(texts, base_path, shard_bytes) if shard_bytes else index_texts(texts, base_path)


def decode_postings(text: str) -> list[tuple[int, int]]:
    """The browser's decoder of a postings string (search.js), in Python: (doc, weight) pairs."""
    found, value, shift, doc = [], 0, 0, 0
    for char in text:
        digit = DIGITS.index(char)
        value |= (digit & 31) << shift
        shift += 5
        if digit < 32:
            doc += value >> 3
            found.append((doc, value & 7))
            value, shift = 0, 0
    return found


def _lookup(files: dict[str, bytes], term: str) -> list[tuple[int, int]]:
    shards = _load(files, "meta.json")["shards"]
    return decode_postings(_load(files, f"s/{shard_of(term, shards)}.json").get(term, ""))


def test_chinese_text_becomes_overlapping_bigrams_and_words():
    assert tokens("垃圾分类") == ["垃圾", "圾分", "分类"]
    assert tokens("Ｇ20峰会，2024年！") == ["g20", "峰会", "2024"]  # full width folded, lone 年 is no term


def test_a_single_han_character_is_no_term():
    assert tokens("孝") == []
    assert tokens("孝 老") == []


def test_shards_use_32_bit_fnv_1a_like_the_browser():
    assert shard_of("a", 1 << 32) == 0xE40C292C  # the published FNV-1a test vector
    assert shard_of("志愿", 1 << 32) == _fnv1a_utf16("志愿")


def _fnv1a_utf16(text: str) -> int:
    value = 0x811C9DC5
    data = text.encode("utf-16-le")
    for i in range(0, len(data), 2):
        value = ((value ^ int.from_bytes(data[i:i + 2], "little")) * 0x01000193) % (1 << 32)
    return value


@given(st.lists(st.tuples(st.integers(0, 5000), st.integers(1, 7)), max_size=60))
def test_postings_survive_encoding(raw):
    postings = sorted({doc: weight for doc, weight in raw}.items())
    text = code_postings(doc << 3 | weight for doc, weight in postings)
    assert decode_postings(text) == postings
    assert '"' not in text and "\\" not in text


def test_page_text_keeps_the_article_and_drops_scripts_hidden_parts_and_the_meta_line():
    text = page_text(PAGES[0][2])
    assert text.splitlines() == ["送餐路上的柚苑女儿", "周美娟每天给独居老人送餐。", "她是柚见好邻里志愿者。"]


def test_page_text_falls_back_to_main_and_closes_unclosed_elements():
    assert page_text("<main><h1>关于我们<p>常山县文明办<p>联系电话</main><footer>页脚</footer>") == "关于我们\n常山县文明办\n联系电话"


def test_every_term_is_found_in_the_shard_the_browser_will_ask_for():
    files = build_index(PAGES, BASE)
    assert [doc for doc, _ in _lookup(files, "志愿")] == [0, 1]
    assert [doc for doc, _ in _lookup(files, "分类")] == [1]
    assert _lookup(files, "火星") == []


def test_title_terms_weigh_more_than_body_terms():
    files = build_index(PAGES, BASE)
    weights = dict(_lookup(files, "垃圾"))
    assert weights[1] >= 4  # in the title of document 1
    assert dict(_lookup(files, "送餐"))[0] >= 4 + 1


def test_documents_store_relative_urls_titles_and_text():
    files = build_index(PAGES, BASE)
    doc = _load(files, "d/1.json")
    assert doc["u"] == "activities/b/"  # relative to the base path: the index works wherever the site is mounted
    assert doc["t"] == "垃圾分类积分兑换日"
    assert "村民用垃圾分类积分换洗衣液。" in doc["x"] and "县文明办" not in doc["x"]


def test_small_shards_spread_the_terms_and_keep_every_file_valid_json():
    files = build_index(PAGES, BASE, shard_bytes=40)
    shards = _load(files, "meta.json")["shards"]
    assert shards > 4
    assert sorted(f for f in files if "/s/" in f) == sorted(f"{INDEX_DIR}s/{n}.json" for n in range(shards))
    assert all(isinstance(json.loads(data), dict) for data in files.values())
    assert [doc for doc, _ in _lookup(files, "志愿")] == [0, 1]


def test_the_same_pages_give_byte_identical_files():
    assert build_index(PAGES, BASE) == build_index(list(PAGES), BASE)


def test_an_empty_site_still_has_a_readable_index():
    files = build_index([], BASE)
    assert _load(files, "meta.json") == {"docs": 0, "format": 1, "shards": 1}
    assert _load(files, "s/0.json") == {}


_WORDS = ["志愿", "服务", "垃圾分类", "文明", "交通", "送餐", "老人", "柚子", "常山", "胡柚", "礼让", "斑马线", "积分", "G20"]


@st.composite
def _corpus_and_edits(draw):
    """Documents, then edits to some of them (same count, as when staff edit stories)."""
    text = st.lists(st.sampled_from(_WORDS), max_size=12).map("，".join)
    docs = draw(st.lists(st.tuples(text, text), min_size=1, max_size=8))
    edits = draw(st.dictionaries(st.integers(0, len(docs) - 1), st.tuples(text, text), max_size=len(docs)))
    return docs, edits


def _as_docs(pairs):
    return [(f"{BASE}stories/{n}/", title, body) for n, (title, body) in enumerate(pairs)]


def _reader(published: dict, kind: str):
    """How the update reads the published document files: not at all, as published, or never
    finding them (a lost or changed file: the update then looks through every term)."""
    from generator.base.hashing import short_sha256
    if kind == "files":
        return lambda path, key: published[path] if short_sha256(published[path]) == key else None
    return (lambda path, key: None) if kind == "missing" else None


@settings(max_examples=100)  # Hypothesis's default: each run draws new cases
@given(_corpus_and_edits(), st.sampled_from([30, 200, 24_000]), st.sampled_from([1, 2, 3, 256]),
       st.sampled_from(["files", "none", "missing"]))
def test_updating_the_index_gives_the_same_files_as_building_it_afresh(corpus, shard_bytes, block_docs,
                                                                       reading):
    from generator.formats.site.search import SearchIndex, digest_of
    pairs, edits = corpus
    index = SearchIndex(BASE, shard_bytes, block_docs)
    before = dict(index.rebuild(_as_docs(pairs), [digest_of(d) for d in _as_docs(pairs)]))
    after_pairs = [edits.get(n, pair) for n, pair in enumerate(pairs)]
    docs = _as_docs(after_pairs)
    keys = [digest_of(d) for d in docs]
    fresh = dict(SearchIndex(BASE, shard_bytes).rebuild(docs, keys))
    if not index.can_update(keys):
        return  # too many changed: the build starts over, which the fresh index above is
    changed = index.changed(keys)
    assert changed == sorted(n for n, pair in edits.items() if pair != pairs[n])
    written = index.update(keys, {n: docs[n] for n in changed}, _reader(before, reading))
    published = {**before, **written}
    stale = set(published) - set(fresh)  # shards beyond a smaller shard count
    assert {path: data for path, data in published.items() if path not in stale} == fresh
    assert set(index.file_keys) == set(fresh)
    assert all(before.get(path) != data for path, data in written.items())  # only files that really changed


def test_editing_one_page_rewrites_its_document_and_the_shards_of_its_terms_only():
    from generator.formats.site.search import SearchIndex, digest_of
    docs = _as_docs([("文明交通", "礼让斑马线"), ("胡柚采摘", "志愿者帮老人摘柚子"), ("送餐", "志愿服务送餐")])
    index = SearchIndex(BASE, 24_000)
    dict(index.rebuild(docs, [digest_of(d) for d in docs]))
    docs[1] = (docs[1][0], "胡柚采摘", "志愿者帮老人摘柚子，还打扫了院子")
    keys = [digest_of(d) for d in docs]
    written = index.update(keys, {1: docs[1]})
    assert sorted(written) == [INDEX_DIR + "d/1.json", INDEX_DIR + "s/0.json"]  # one shard at this size
    assert "院子" in json.loads(written[INDEX_DIR + "d/1.json"])["x"]


def test_a_term_added_before_a_later_block_codes_that_blocks_first_gap_again():
    from generator.formats.site.search import SearchIndex, digest_of
    docs = _as_docs([("", "志愿"), ("", "文明"), ("", "志愿")])
    index = SearchIndex(BASE, 24_000, block_docs=1)  # one document per block: every gap crosses a block
    dict(index.rebuild(docs, [digest_of(d) for d in docs]))
    docs[1] = (docs[1][0], "", "志愿")
    keys = [digest_of(d) for d in docs]
    written = index.update(keys, {1: docs[1]})
    assert written[INDEX_DIR + "s/0.json"] == dict(SearchIndex(BASE, 24_000).rebuild(docs, keys))[INDEX_DIR + "s/0.json"]
