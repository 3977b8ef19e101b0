"""Script-injection strings in posts, comments, mentions and file names render inert."""

import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from feeds import actions
from feeds.rendering import render_markdown

from . import factories as f

CORPUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<iframe src="https://evil.example"></iframe>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<body onload=alert(1)>",
    '"><script>alert(1)</script>',
    "<scr<script>ipt>alert(1)</script>",
    '<a href="#" onclick="alert(1)">x</a>',
    '<span class="mention" onmouseover="alert(1)">@x</span>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "`<script>alert(1)</script>`",
    "<object data=javascript:alert(1)>",
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "@<script>alert(1)</script>",
]


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))

    handle_startendtag = handle_starttag


ALWAYS_FORBIDDEN = {"script", "iframe", "object", "embed", "svg", "math", "style", "base", "meta", "link"}
USER_FORBIDDEN = ALWAYS_FORBIDDEN | {"form", "img", "body", "input", "button", "textarea"}


def assert_inert(html, forbidden=USER_FORBIDDEN):
    """Parse the HTML as a browser would and reject any executable element, handler or URL."""
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag not in forbidden, f"<{tag}> in {html[:300]!r}"
        for name, value in attrs:
            assert not name.startswith("on"), f"{name}= on <{tag}>"
            assert name != "style", f"style= on <{tag}>"
            if name in {"href", "src", "action", "formaction", "data"}:
                scheme = re.sub(r"[\s\x00-\x1f]", "", (value or "")).lower()
                assert not scheme.startswith(("javascript:", "data:", "vbscript:")), f"{name}={value!r}"
            if tag == "img" and name == "src":
                assert value.startswith("/t/"), f"image from elsewhere: {value!r}"


@pytest.mark.parametrize("payload", CORPUS)
def test_markdown_renderer_neutralises(payload):
    assert_inert(render_markdown(payload, {"x", "alex"}))


def _page_body(html):
    # Our own page has scripts in <head> (static files); judge only what is inside <main>.
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def test_corpus_in_posts_comments_mentions_and_file_names_renders_inert(tenant, client_for):
    alex = f.member(tenant)
    evil = f.member(tenant)
    evil.user.username = "x"
    evil.user.first_name = "<script>alert(1)</script>"
    evil.user.save()
    subject = f.subject(tenant, "<img src=x onerror=alert(1)> Contoso")
    for payload in CORPUS:
        post = actions.check_create_post(
            alex,
            subject=subject,
            body=f"{payload} @x",
            files=[SimpleUploadedFile(f'{payload}".png', f.png_bytes())],
        )
        actions.check_create_comment(evil, post, body=f"{payload} @{alex.user.username}")
    actions.do_follow(alex, subject)  # backfills the inbox with the subject's latest items
    client = client_for(alex)
    pages = [
        reverse("feeds:home", kwargs={"tenant_slug": tenant.slug}),
        reverse("feeds:subject_feed", kwargs={"tenant_slug": tenant.slug, "subject_id": subject.pk}),
        reverse("feeds:post", kwargs={"tenant_slug": tenant.slug, "post_id": post.pk}),
        reverse("feeds:notifications", kwargs={"tenant_slug": tenant.slug}),
        reverse("feeds:search", kwargs={"tenant_slug": tenant.slug}) + "?q=alert",
    ]
    for page in pages:
        html = client.get(page).content.decode()
        body = _page_body(html) if "<main" in html else html
        assert_inert(body, ALWAYS_FORBIDDEN)
        for fragment in re.findall(r'<div class="post-body">(.*?)</div>', body, re.S):
            assert_inert(fragment)
        assert "alert(1)" in body or page.endswith("notifications/")  # the text is shown, as text
    home = client.get(pages[0]).content.decode()
    assert 'class="mention">@x</span>' in home
