"""The WeChat preview page in headless Chromium: it renders, copies inline-styled HTML, and classes do not matter."""
from __future__ import annotations

import functools
import io
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image, ImageChops

from generator import config
from generator.model import content
from generator.render.markdown import MarkdownRenderer
from generator.formats.wechat import render_wechat
from generator.render.templates import SHIPPED as SHIPPED_TEMPLATES, Templates

pytestmark = pytest.mark.e2e



def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 800), "#6f9fd8").save(out, "JPEG")
    return out.getvalue()


FILES = {
    "content/images/a.jpg": jpeg(),
    "content/stories/zhang.md": """\
        ---
        title: 白石镇好人张三
        date: 2023-09-11
        summary: 张三常年帮助邻居。
        author: 李四
        cover: images/a.jpg
        cover_alt: 张三
        ---
        张三据[新闻](https://news.example.cn/1)报道，二十年如一日照顾老人。[往期](https://mp.weixin.qq.com/s/x)

        ## 二十年

        ![张三在送饭](images/a.jpg "张三（右）")

        1. 送饭
            - 看病

        | 年份 | 次数 |
        |---|---|
        | 2023 | 12 |

        > 帮助别人，快乐自己。
        """,
    "content/letters/changyi.md": """\
        ---
        title: 关于文明过节的倡议书
        date: 2024-01-20
        salutation: 全县广大市民朋友们：
        issuer: [常山县文明办]
        summary: 文明过节倡议。
        ---
        倡议如下：

        1. 文明出行。
        2. 节俭过节。
        """,
}


def publish(make_site, out: Path) -> None:
    """Render the site's WeChat bundles into out/wenming/ the way the build lays them out, images included."""
    root = make_site(FILES)
    cfg = config.load(root / "site_config.yaml")
    site = content.load_site(cfg, root / "content")
    renderer = MarkdownRenderer()
    site_root = out / "wenming"
    for page in site.pages:
        def resolve(src, page=page):
            found = site.find_image(page, src)
            rel = "media/" + found.relative_to(site.content_dir.resolve()).as_posix()
            (site_root / rel).parent.mkdir(parents=True, exist_ok=True)
            (site_root / rel).write_bytes(found.read_bytes())
            return "/wenming/" + rel
        rendered = renderer.render(page.body, resolve, page.body_line)
        result = render_wechat(page, rendered, site, cfg, page_url=f"{cfg.site.base_url}{page.folder}/{page.slug}/",
                               templates=Templates(SHIPPED_TEMPLATES))
        for rel, data in result.files.items():
            (site_root / rel).parent.mkdir(parents=True, exist_ok=True)
            (site_root / rel).write_bytes(data)


@pytest.fixture
def server(make_site, tmp_path):
    """Serve the rendered bundles from 127.0.0.1 on a free port; yields the base address."""
    out = tmp_path / "public"
    publish(make_site, out)

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def open_preview(browser, server):  # `browser`: the shared headless Chromium of tests/e2e/conftest.py
    """Open a bundle's preview page with clipboard permissions; every request to another host is recorded and blocked."""
    context = browser.new_context(viewport={"width": 1100, "height": 900}, device_scale_factor=1)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    outside: list[str] = []

    def guard(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)

    def open_page(slug: str, script: str = ""):
        page = context.new_page()
        if script:
            page.add_init_script(script)
        page.goto(f"{server}/wenming/wechat/{slug}/index.html")
        page.wait_for_load_state("networkidle")
        return page

    open_page.outside = outside
    yield open_page
    context.close()


def read_clipboard_html(page) -> str:
    return page.evaluate("""async () => {
        for (const item of await navigator.clipboard.read()) {
            if (item.types.includes('text/html')) { return await (await item.getType('text/html')).text(); }
        }
        return '';
    }""")


def test_preview_page_renders_without_outside_requests(open_preview):
    page = open_preview("zhang")
    assert page.title() == "公众号预览：白石镇好人张三"
    assert page.locator(".pv-wx-title").inner_text() == "白石镇好人张三"
    assert "二十年如一日照顾老人" in page.locator("#wx-view").inner_text()
    assert page.evaluate("[...document.querySelectorAll('img')].every(i => i.complete && i.naturalWidth > 0)")
    assert 343 <= page.locator("#wx-view").bounding_box()["width"] <= 677
    assert page.get_by_role("button", name="复制到公众号").is_visible()
    assert open_preview.outside == []


def test_copy_button_puts_inline_styled_html_on_the_clipboard(open_preview):
    page = open_preview("zhang")
    page.get_by_role("button", name="复制到公众号").click()
    page.wait_for_function("document.getElementById('wx-status').textContent.startsWith('已复制')")
    html = read_clipboard_html(page)
    assert 'style="' in html and "<style" not in html and "<script" not in html
    assert 'src="https://example.gov.cn/wenming/media/images/a.jpg"' in html  # the real address, not the local one
    assert "[1]" in html and "参考链接" in html and "https://news.example.cn/1" in html


def test_copy_falls_back_to_selection_and_exec_command(open_preview):
    page = open_preview("changyi", "delete window.ClipboardItem;")
    page.get_by_role("button", name="复制到公众号").click()
    page.wait_for_function("document.getElementById('wx-status').textContent.startsWith('已复制')")
    html = read_clipboard_html(page)
    assert "一、文明出行。" in html and "text-indent:2em" in html
    assert "全县广大市民朋友们" in page.evaluate("window.getSelection().toString()")  # staff see what was copied


@pytest.mark.parametrize("slug", ["zhang", "changyi"])
@pytest.mark.parametrize("width", ["375", "677"])
def test_removing_every_class_changes_no_pixel(open_preview, slug, width):
    page = open_preview(slug)
    page.click(f"[data-width='{width}']")
    view = page.locator("#wx-view")
    with_classes = Image.open(io.BytesIO(view.screenshot()))
    assert page.evaluate("document.querySelectorAll('#wx-view [class]').length") > 5
    page.evaluate("document.querySelectorAll('#wx-view [class]').forEach(e => e.removeAttribute('class'))")
    without = Image.open(io.BytesIO(view.screenshot()))
    assert with_classes.size == without.size
    assert ImageChops.difference(with_classes.convert("RGB"), without.convert("RGB")).getbbox() is None
    # The comparison can fail: dropping the inline styles instead does change the picture.
    page.evaluate("document.querySelectorAll('#wx-view [style]').forEach(e => e.removeAttribute('style'))")
    unstyled = Image.open(io.BytesIO(view.screenshot()))
    assert unstyled.size != with_classes.size or ImageChops.difference(
        with_classes.convert("RGB"), unstyled.convert("RGB")).getbbox() is not None
