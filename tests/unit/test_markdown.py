"""Markdown: Chinese emphasis, Chinese heading ids, sanitized raw HTML, images with their lines."""
from generator.render.markdown import MarkdownRenderer


def test_bold_next_to_chinese_punctuation_renders():
    html = MarkdownRenderer().render("**群众满意是最高标准。**下一步继续。").html
    assert "<strong>群众满意是最高标准。</strong>下一步继续。" in html


def test_chinese_heading_ids_and_toc():
    rendered = MarkdownRenderer().render("## 各方反响\n\n正文")
    assert '<h2 id="各方反响">' in rendered.html
    assert rendered.toc == [(2, "各方反响", "各方反响")]


def test_raw_html_is_sanitized():
    html = MarkdownRenderer().render('<p onclick="x()">好</p>\n\n<script>alert(1)</script>\n\n'
                                     '[点](javascript:alert(1)) <img src=x onerror=alert(1) alt=y> <style>p{}</style>').html
    for bad in ("onclick", "<script", "alert(1)", "javascript:", "onerror", "<style"):
        assert bad not in html


def test_images_are_resolved_and_located():
    rendered = MarkdownRenderer().render("第一段\n\n![门口](a.jpg)\n", lambda src: "/m/" + src, first_line=10)
    assert '<img alt="门口" loading="lazy" src="/m/a.jpg">' in rendered.html
    assert [(i.src, i.url, i.alt, i.line) for i in rendered.images] == [("a.jpg", "/m/a.jpg", "门口", 12)]


def test_renderer_is_reusable_without_leaking_state():
    renderer = MarkdownRenderer()
    renderer.render("正文[^1]\n\n[^1]: 注")
    assert "footnote" not in renderer.render("另一篇").html


def test_only_safe_link_schemes_survive():
    html = MarkdownRenderer().render("[a](https://a.cn) [b](images/a.jpg) [c]( JavaScript:x) [d](data:text/html,x)").html
    assert 'href="https://a.cn"' in html and 'href="images/a.jpg"' in html
    assert "javascript" not in html.lower() and "data:" not in html


def test_an_image_with_copies_becomes_a_picture_and_authors_cannot_write_srcset():
    from generator.render.images import ImageURL

    url = ImageURL("/m/a.jpg", 1080, 810, (480, 800, 1080), True)
    text = ("![老人](a.jpg)\n\n<img src='/m/a.jpg' srcset='https://tracker.example/x.jpg 2x'>"
            "<picture><source srcset='https://tracker.example/y.webp' type='image/webp'></picture>")
    html = MarkdownRenderer().render(text, lambda src: url).html
    assert html.startswith('<p><picture><source sizes="(min-width: 52rem) 50rem, calc(100vw - 2rem)'
                           '" srcset="/m/a.480w.webp 480w, /m/a.800w.webp 800w, /m/a.webp 1080w"'
                           ' type="image/webp"><img alt="老人" decoding="async" height="810"'
                           ' loading="lazy"')
    assert 'srcset="/m/a.480w.jpg 480w, /m/a.800w.jpg 800w, /m/a.jpg 1080w" width="1080"' in html
    assert "tracker" not in html, "a srcset the author wrote could load pictures from anywhere"
