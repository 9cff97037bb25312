"""Text that people write in Markdown, shown as safe HTML.

Markdown first (Python-Markdown), then nh3 keeps a small allow-list of tags and
attributes: paragraphs, emphasis, lists, quotes, code and links (http, https, mailto
and the site's own paths, marked `nofollow ugc`). No image (nothing is ever loaded
from another origin), no heading (the page's outline stays the page's), no script, no
style, no raw HTML attribute. One function for every app's user text:

    from core.markdown import render
    html = render(update.text)          # a SafeString, ready for a template
"""

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "pre", "hr"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow ugc"
# Tags whose content goes with them (anything else outside the allow-list keeps its text).
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "iframe", "object", "noscript"})
EXTENSIONS = ("sane_lists",)


def render(text: str) -> SafeString:
    """The Markdown `text` as sanitised HTML."""
    html = markdown.markdown(text or "", extensions=list(EXTENSIONS), output_format="html")
    return mark_safe(  # nh3 has just sanitised it
        nh3.clean(
            html,
            tags=set(ALLOWED_TAGS),
            attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
            url_schemes=set(URL_SCHEMES),
            link_rel=LINK_REL,
            clean_content_tags=set(DROPPED_WITH_CONTENT),
            strip_comments=True,
        )
    )
