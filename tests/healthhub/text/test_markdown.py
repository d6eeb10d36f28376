import pytest

from healthhub.text.markdown import markdownify, render_markdown

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><circle r=1></circle></svg>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="https://example.org"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    "<style>body{display:none}</style>",
    '<div onclick="alert(1)">click</div>',
    '<form action="https://evil.example"><input name=x></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<<script>script>alert(1)<</script>/script>",
    '<a href="https://ok.example" onmouseover="alert(1)">ok</a>',
    "```\n<script>alert(1)</script>\n```",
]

DANGEROUS = ["<script", "onerror", "onload", "onclick", "ontoggle", "onmouseover", "javascript:", "vbscript:",
             "data:text", "<iframe", "<object", "<embed", "<style", "style=", "<form", "<input", "<meta", "<base",
             "<link", "<svg", "<math", "<details"]  # fmt: skip


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_unsafe_markup_never_survives_rendering(payload):
    html = render_markdown(f"Intro text.\n\n{payload}\n\nOutro.").html.lower()
    for marker in DANGEROUS:
        # Escaped text (&lt;script&gt;) is harmless; only live markup counts.
        assert marker not in html.replace("&lt;", "").replace("&amp;", ""), (payload, html)


def test_safe_markdown_keeps_its_structure():
    html = render_markdown(
        "## Causes\n\nSome **bold** and a [link](https://example.org).\n\n"
        "| Score | Feels like |\n|---|---|\n| 0 | No pain |"
    ).html
    assert '<h2 id="causes">Causes</h2>' in html
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org"' in html
    assert "<table>" in html and "<td>No pain</td>" in html


def test_top_level_heading_is_demoted_below_the_page_title():
    assert render_markdown("# Title in body").html.startswith("<h2")


def test_image_with_title_becomes_a_figure_with_credit_caption():
    html = render_markdown('![A runner](/static/demo/run.png "Stretching. Credit: healthhub")').html
    assert "<figure>" in html
    assert '<img alt="A runner" src="/static/demo/run.png">' in html
    assert "<figcaption>Stretching. Credit: healthhub</figcaption>" in html


def test_table_of_contents_lists_second_and_third_level_headings():
    toc = render_markdown("## One\n\n### One a\n\n#### Deep\n\n## Two").toc
    assert [entry["name"] for entry in toc] == ["One", "Two"]
    assert [child["name"] for child in toc[0]["children"]] == ["One a"]


def test_empty_text_renders_to_nothing():
    assert render_markdown("  \n").html == ""


def test_markdownx_preview_function_is_the_same_renderer():
    text = "## Hi\n\n<script>alert(1)</script>"
    assert markdownify(text) == render_markdown(text).html
