"""Markdown to safe HTML, and @mentions.

Markdown is rendered by Python-Markdown and then sanitised by nh3 (ammonia) with a short allow-list:
no script/style/iframe/img, no event-handler or style attributes, and links only to http(s)/mailto.
Mentions are recognised by a Markdown inline pattern, so `@name` inside code or a link is left alone;
only usernames of the tenant's members become mention chips, and handles of its teams chips that link
to the team's page.
"""

import re
import xml.etree.ElementTree as etree

import markdown
import nh3
from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString

MENTION_RE = r"(?<![\w@/.])@([A-Za-z0-9_][A-Za-z0-9_.+-]{0,149}[A-Za-z0-9_]|[A-Za-z0-9_])"
_mention_re = re.compile(MENTION_RE)

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "del", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "span": {"class"}, "th": {"align"}, "td": {"align"}}


def mentioned_usernames(text):
    """Every `@name` in the text (lower-cased), whether or not it names a member."""
    return {m.group(1).lower() for m in _mention_re.finditer(text or "")}


class _MentionProcessor(InlineProcessor):
    def __init__(self, pattern, md, known, teams):
        super().__init__(pattern, md)
        self.known = known
        self.teams = teams

    def handleMatch(self, m, data):  # noqa: N802 (Markdown's API)
        name = m.group(1)
        if name.lower() in self.known:
            el = etree.Element("span")
            el.set("class", "mention")
            el.text = "@" + name
            return el, m.start(0), m.end(0)
        if name.lower() in self.teams:
            el = etree.Element("span")
            el.set("class", "mention")
            url = self.teams[name.lower()]
            if url:
                link = etree.SubElement(el, "a")
                link.set("href", url)
                link.text = AtomicString("@" + name)  # already handled: not parsed again
            else:
                el.text = "@" + name
            return el, m.start(0), m.end(0)
        return None, None, None


def _class_filter(element, attribute, value):
    # Only our own mention chip class survives; a user cannot smuggle other classes into the page.
    if element == "span" and attribute == "class":
        return "mention" if value == "mention" else None
    return value


def render_markdown(text, known_usernames=(), teams=None):
    """Sanitised HTML for a post or comment body. `known_usernames`: lower-case usernames that
    become mention chips; `teams`: lower-case team handle -> the team page's path (a linked chip)."""
    md = markdown.Markdown(extensions=["sane_lists", "tables", "fenced_code", "nl2br"])
    processor = _MentionProcessor(MENTION_RE, md, set(known_usernames), dict(teams or {}))
    md.inlinePatterns.register(processor, "mention", 175)
    html = md.convert(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_class_filter,
        strip_comments=True,
    )
