"""What apps add to the frame of every page, so that the core's base template and views name no app:
the tenant's home page, items in the header (e.g. unread badges), fragments at the end of the body
(e.g. the live socket), and stylesheets and scripts. Apps register theirs in AppConfig.ready()."""

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from .registry import Registry


@dataclass(frozen=True)
class Fragment:
    """A template included in every tenant page's frame; it sees the page's context (member, tenant)."""

    template: str
    order: int = 50
    external_ok: bool = True

    def allows(self, member):
        return True


_home = {"url_name": None}
_header = Registry()
_body = Registry()
_stylesheets: list[str] = []
_scripts: list[str] = []

register_header = _header.register
register_body = _body.register


def set_tenant_home(url_name):
    """The page a member lands on in a tenant (takes `tenant_slug`). One app owns it."""
    if _home["url_name"] not in (None, url_name):
        current = _home["url_name"]
        raise ImproperlyConfigured(f"tenant home is already {current!r}; cannot also be {url_name!r}")
    _home["url_name"] = url_name


def tenant_home_url(tenant_slug):
    if _home["url_name"] is None:  # no app offers a home: the tenant picker still works
        return reverse("site:tenants")
    return reverse(_home["url_name"], kwargs={"tenant_slug": tenant_slug})


def register_assets(*, css=(), js=()):
    """Static paths (relative to STATIC_URL) loaded on every page after the core's own."""
    for path in css:
        if path not in _stylesheets:
            _stylesheets.append(path)
    for path in js:
        if path not in _scripts:
            _scripts.append(path)


def frame_for(member):
    """The context base.html needs to draw the frame."""
    return {
        "frame_stylesheets": list(_stylesheets),
        "frame_scripts": list(_scripts),
        "frame_header": [f.template for f in _header.visible_to(member)] if member else [],
        "frame_body": [f.template for f in _body.visible_to(member)] if member else [],
        "home_name": _home["url_name"],
    }
