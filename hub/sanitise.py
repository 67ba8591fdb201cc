"""The hub's one HTML sanitiser. Every piece of HTML that came from a person is
cleaned here before it is stored: a short allow-list of tags, no attributes but a
link's address and title, links to http, https and mailto only, and every link
marked rel="nofollow noopener"."""

from __future__ import annotations

from functools import partial

import bleach
import markdown as markdown_lib
from bleach.linkifier import LinkifyFilter

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "blockquote", "code", "pre"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"


def _link_attrs(attrs: dict, new: bool = False) -> dict:
    href = attrs.get((None, "href"), "")
    scheme = href.split(":", 1)[0].lower() if ":" in href else ""
    if href and scheme not in ALLOWED_PROTOCOLS:
        # A link the sanitiser let through must still be one of ours; drop anything else.
        attrs.pop((None, "href"), None)
    attrs[(None, "rel")] = LINK_REL
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_link_attrs], skip_tags={"pre", "code"}, parse_email=True)],
)


def clean_html(html: str) -> str:
    """HTML with every tag, attribute and link outside the allow-list removed."""
    return _cleaner.clean(html or "")


def render_markdown(text: str) -> str:
    """A person's text in the hub's small Markdown subset (paragraphs, bold, italics,
    lists, links, quotes and code), as cleaned HTML. Raw HTML typed by the person is
    shown as text, not interpreted."""
    md = markdown_lib.Markdown(extensions=[], output_format="html")
    # Raw HTML is never markup here: a person who types "<b>" sees "<b>".
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    # Images are outside the subset.
    md.inlinePatterns.deregister("image_link")
    md.inlinePatterns.deregister("image_reference")
    md.inlinePatterns.deregister("short_image_ref")
    return clean_html(md.convert(text or ""))
