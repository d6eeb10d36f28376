"""The one place where Markdown becomes HTML.

Every Markdown field on the site, and the editor's live preview, goes through
`render_markdown`: Python-Markdown first, then nh3's allow-list sanitizer, so
nothing an editor writes or pastes (script, event handlers, `javascript:` URLs,
iframes, inline styles) reaches a visitor's browser.
"""

import threading
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl",
    "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "ins", "kbd", "li", "mark", "ol", "p", "pre", "s", "small", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "li": {"id"},
    "sup": {"id"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}  # fmt: skip
ALLOWED_CLASSES = {
    "div": {"footnote"},
    "a": {"footnote-ref", "footnote-backref"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    allowed_classes=ALLOWED_CLASSES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer",
)


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: list = field(default_factory=list)


class _PageStructure(Treeprocessor):
    """Keep the page's outline sound and give images their captions.

    - `# Heading` becomes h2: the page title is the only h1.
    - A paragraph holding just an image with a title becomes a figure whose
      caption is that title ("Caption. Credit: ...").
    """

    def run(self, root):
        for element in root.iter():
            if element.tag == "h1":
                element.tag = "h2"
            if element.tag == "p" and len(element) == 1 and not (element.text or "").strip():
                image = element[0]
                if image.tag == "img" and image.get("title") and not (image.tail or "").strip():
                    element.tag = "figure"
                    caption = etree.SubElement(element, "figcaption")
                    caption.text = image.attrib.pop("title")
                    image.tail = None


class _PageStructureExtension(Extension):
    def extendMarkdown(self, md):
        # After inline patterns (priority 20) so images exist; before toc (5).
        md.treeprocessors.register(_PageStructure(md), "healthhub-structure", 15)


_local = threading.local()


def _converter():
    if not hasattr(_local, "md"):
        _local.md = markdown.Markdown(
            extensions=[
                "abbr",
                "def_list",
                "fenced_code",
                "footnotes",
                "sane_lists",
                "tables",
                _PageStructureExtension(),
                "toc",
            ],
            extension_configs={"toc": {"slugify": slugify_unicode, "toc_depth": "2-3"}},
            output_format="html",
        )
    return _local.md.reset()


def _toc_entries(tokens):
    return [{"id": t["id"], "name": t["name"], "children": _toc_entries(t["children"])} for t in tokens]


def sanitize_html(html: str) -> str:
    return _cleaner.clean(html)


def render_markdown(text: str) -> Rendered:
    """Markdown to safe HTML, with the table of contents of its headings."""
    if not text or not text.strip():
        return Rendered(html="")
    md = _converter()
    html = md.convert(text)
    return Rendered(html=sanitize_html(html), toc=_toc_entries(md.toc_tokens))


def markdownify(text: str) -> str:
    """Entry point for django-markdownx's live preview."""
    return render_markdown(text).html
