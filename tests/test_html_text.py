"""An HTML page reduced to its text by the documented rule: predictable to the character, and the
page's scripts, styles and navigation never become part of the document."""

from __future__ import annotations

import pytest

from dprk_kg.html_text import html_text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>One  two\n three</p><p>Four</p>", "One two three\n\nFour\n"),
        ("<div>a<div>b</div>c</div>", "a\n\nb\n\nc\n"),
        ("<p>line<br>break<br/>again</p>", "line\nbreak\nagain\n"),
        ("<p>Tom &amp; Jerry &lt;3 &#x20A9;100 &nbsp;x</p>", "Tom & Jerry <3 ₩100 \u00a0x\n"),
        ("<ul><li>first</li><li>second</li></ul>", "first\n\nsecond\n"),
        ("<p>keep <b>inline</b> <a href='x'>links</a>.</p>", "keep inline links.\n"),
        ("<p>조선 <span>로동당</span></p>", "조선 로동당\n"),
        ("<pre>  a\n   b</pre>", "a b\n"),
    ],
)
def test_the_rule(html: str, text: str) -> None:
    assert html_text(html).text == text


def test_scripts_styles_navigation_and_forms_are_left_out_even_when_nested_or_unclosed() -> None:
    page = (
        "<html><head><title>T</title><style>p{}</style></head><body><nav><ul><li>Home</li></ul></nav>"
        "<script>var s = '<p>not text</p>';</script><p>Body.</p><form><button>Go</button>Search</form>"
        "<svg><text>drawing</text></svg><noscript>enable JS</noscript><p>End"
    )
    assert html_text(page).text == "Body.\n\nEnd\n"


def test_the_same_page_gives_the_same_text_every_time() -> None:
    page = "<article><h1>Head</h1><p>A <i>b</i> c.</p></article>"
    assert {html_text(page).text for _ in range(3)} == {"Head\n\nA b c.\n"}


def test_the_page_metadata_is_returned_beside_the_text() -> None:
    page = (
        '<html lang="ko"><head><meta name="author" content="Kang Ji-won">'
        '<meta property="article:published_time" content="2024-10-02T09:00:00+09:00">'
        '<meta property="og:site_name" content="ASIAPRESS"></head><body><h1>Only  heading</h1></body></html>'
    )
    assert html_text(page).metadata == {
        "language": "ko",
        "author": "Kang Ji-won",
        "issued": "2024-10-02T09:00:00+09:00",
        "publisher": "ASIAPRESS",
        "title": "Only heading",
    }
