"""User text in Markdown: rendered, then sanitised by one allow-list."""

from django.utils.safestring import SafeString

from core.markdown import render


def test_markdown_is_rendered():
    html = render("Un **conseil** s’est tenu.\n\n- premier point\n- second point")

    assert html == (
        "<p>Un <strong>conseil</strong> s’est tenu.</p>\n<ul>\n<li>premier point</li>\n<li>second point</li>\n</ul>"
    )
    assert isinstance(html, SafeString)


def test_links_keep_their_address_and_are_marked_as_user_content():
    html = render("[La délibération](https://example.org/deliberation.pdf)")

    assert html == (
        '<p><a href="https://example.org/deliberation.pdf" rel="noopener noreferrer nofollow ugc">'
        "La délibération</a></p>"
    )


def test_scripts_styles_and_event_handlers_are_removed():
    html = render(
        "Avant <script>alert('x')</script><style>p{}</style>"
        '<b onclick="alert(1)">gras</b> <span style="color:red">rouge</span> après'
    )

    assert "script" not in html and "alert" not in html
    assert "style" not in html and "onclick" not in html
    assert "gras" in html and "rouge" in html and "Avant" in html and "après" in html


def test_dangerous_link_schemes_are_removed():
    html = render("[clic](javascript:alert(1)) et [données](data:text/html;base64,PHNjcmlwdD4=)")

    assert "javascript" not in html and "data:" not in html
    assert "clic" in html and "données" in html


def test_images_and_headings_are_not_kept_but_their_text_is():
    html = render("# Un titre\n\n![photo](https://tiers.example/pixel.png)")

    assert "<h1" not in html and "<img" not in html and "tiers.example" not in html
    assert "Un titre" in html


def test_raw_html_outside_the_allow_list_is_stripped_to_its_text():
    html = render('<div class="x"><iframe src="https://tiers.example/"></iframe>texte</div>')

    assert html == "texte"


def test_empty_text_gives_empty_html():
    assert render("") == ""
    assert render(None) == ""
