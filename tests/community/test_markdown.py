"""Markdown in posts and prompts is rendered, and nothing in it can run script."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from community.markdown import ALLOWED_TAGS, render_markdown
from tests.conftest import membership_of
from tests.factories import DiscussionFactory


@pytest.mark.parametrize(
    "text,expected",
    [
        ("**bold** and *italic*", "<p><strong>bold</strong> and <em>italic</em></p>"),
        ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
        ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>"),
        ("`a < b`", "<p><code>a &lt; b</code></p>"),
        ("line one\nline two", "<p>line one<br>\nline two</p>"),
    ],
)
def test_it_renders_everyday_markdown(text, expected):
    assert render_markdown(text) == expected


def test_it_makes_links_safe_for_other_readers():
    html = render_markdown("[our site](https://example.com)")
    assert 'href="https://example.com"' in html
    assert 'rel="nofollow noopener noreferrer ugc"' in html


ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](jav&#x09;ascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    '<p onmouseover="alert(1)">hover</p>',
    "<<script>script>alert(1)<</script>/script>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '![x](x" onerror="alert(1))',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<object data=javascript:alert(1)>",
    '<form action="javascript:alert(1)"><button>go</button></form>',
]


class _Elements(HTMLParser):
    """Every element and attribute the browser would build from the HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def _elements(html: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.found


@pytest.mark.parametrize("attack", ATTACKS)
def test_it_neutralises_script_injection(attack):
    for tag, attrs in _elements(render_markdown(attack)):
        assert tag in ALLOWED_TAGS, tag
        assert not any(name.startswith("on") for name in attrs), attrs
        assert "style" not in attrs and "src" not in attrs
        if "href" in attrs:
            assert attrs["href"].split(":", 1)[0].lower() in {"http", "https", "mailto"}, attrs["href"]


def test_it_never_lets_an_injected_post_run_on_the_discussion_page(client, bob, community):
    board = DiscussionFactory(community=community)
    client.force_login(bob)
    client.post(
        reverse("post_create", args=["acme", board.pk]), {"body": '<script>alert("pwned")</script> hi'}
    )
    page = client.get(reverse("discussion_detail", args=["acme", board.pk])).content.decode()
    assert '<script>alert("pwned")' not in page
    assert "&lt;script&gt;alert" in page
    assert board.posts.get().author == membership_of(bob, community)
