"""The hub's one sanitiser: nothing outside the allow-list survives into stored HTML."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from hub.sanitise import ALLOWED_ATTRIBUTES, ALLOWED_PROTOCOLS, ALLOWED_TAGS, clean_html, render_markdown

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    "<img src=javascript:alert(1)>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<img src=`javascript:alert(1)`>",
    '<img """><script>alert(1)</script>">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x=20 y=20>x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JAVASCRIPT:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    '<a href="https://ok.example" style="background:url(javascript:alert(1))">x</a>',
    '<a href="https://ok.example" target="_blank" rel="opener">x</a>',
    '<p style="x:expression(alert(1))">x</p>',
    '<div onmouseover="alert(1)">hover</div>',
    "<input autofocus onfocus=alert(1)>",
    "<form action=javascript:alert(1)><button>go</button></form>",
    "<button formaction=javascript:alert(1)>x</button>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<style>@import 'javascript:alert(1)';</style>",
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<<script>script>alert(1)<</script>/script>",
    "<p><strong><em><script>alert(1)</script></em></strong></p>",
    '<a href="https://ok.example"><img src=x onerror=alert(1)></a>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<textarea><script>alert(1)</script></textarea>",
    "<template><script>alert(1)</script></template>",
    '<a href="mailto:x@example.org" onmouseover=alert(1)>mail</a>',
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "![x](https://tracker.example/pixel.png)",
    '[x](vbscript:msgbox(1) "title")',
    '<https://ok.example" onmouseover="alert(1)>',
    "[x][1]\n\n[1]: javascript:alert(1)",
    "`<script>alert(1)</script>`",
    "    <script>alert(1)</script>",
    "> <img src=x onerror=alert(1)>",
    "* <svg onload=alert(1)>",
]


class _Walker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES.get(tag, []):
                self.problems.append(f"attribute {name} on <{tag}>")
            if name == "href":
                scheme = (value or "").split(":", 1)[0].strip().lower()
                if ":" in (value or "") and scheme not in ALLOWED_PROTOCOLS:
                    self.problems.append(f"link to {value}")
            if name == "rel" and value != "nofollow noopener":
                self.problems.append(f"rel {value}")

    handle_startendtag = handle_starttag

    def handle_comment(self, data):
        self.problems.append("comment")


def _problems(html: str) -> list[str]:
    walker = _Walker()
    walker.feed(html)
    walker.close()
    return walker.problems


def test_there_are_at_least_fifty_payloads():
    assert len(PAYLOADS) >= 50


@pytest.mark.parametrize("payload", PAYLOADS)
def test_nothing_outside_the_allow_list_survives_cleaning(payload):
    cleaned = clean_html(payload)
    assert _problems(cleaned) == [], cleaned
    assert "<script" not in cleaned.lower()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_nothing_outside_the_allow_list_survives_markdown(payload):
    html = render_markdown(payload)
    assert _problems(html) == [], html
    assert "<script" not in html.lower()


def test_the_markdown_subset_is_rendered():
    html = render_markdown(
        "**bold** and _italic_\n\n- one\n- two\n\n> quoted\n\n`code` [IFT](https://ift.example)"
    )
    assert "<strong>bold</strong>" in html
    assert "<em>italic</em>" in html
    assert "<li>one</li>" in html
    assert "<blockquote>" in html
    assert "<code>code</code>" in html
    assert '<a href="https://ift.example" rel="nofollow noopener">IFT</a>' in html


def test_every_link_gets_nofollow_noopener_and_bare_addresses_become_links():
    html = clean_html('<a href="https://a.example" rel="opener">a</a> see http://b.org')
    assert html.count('rel="nofollow noopener"') == 2
    assert 'href="http://b.org"' in html


def test_mailto_links_are_kept_and_javascript_links_lose_their_address():
    assert 'href="mailto:x@example.org"' in clean_html('<a href="mailto:x@example.org">x</a>')
    assert "href" not in render_markdown("[x](javascript:alert(1))")


def test_typed_html_is_shown_as_text():
    assert render_markdown("<b>hi</b>") == "<p>&lt;b&gt;hi&lt;/b&gt;</p>"
