"""Feeds routes for the URL-walking isolation test. Builders make internal posts and files of the
victim tenant (nothing shared with its partner), so the partner user must get 404 on every id."""

from django.core.files.uploadedfile import SimpleUploadedFile

from .registry import RouteCase


def _subject(world):
    from sopsocial.subjects.actions import create_subject

    return world.once(
        "feeds_subject", lambda: create_subject(tenant=world.tenant, kind="customer", title="Victim Co")
    )


def _post(world):
    from feeds.actions import check_create_post

    from ..feeds.factories import png_bytes

    png = png_bytes()
    return world.once(
        "feeds_post",
        lambda: check_create_post(
            world.planner,
            subject=_subject(world),
            body="Victim's private post",
            files=[SimpleUploadedFile("chart.png", png, content_type="image/png")],
        ),
    )


ROUTES = [
    RouteCase("feeds:home", external_ok=True),
    RouteCase("feeds:since", external_ok=True),
    RouteCase("feeds:mark_read", methods=("POST",), external_ok=True),
    RouteCase("feeds:badges", external_ok=True),
    RouteCase("feeds:following", external_ok=True),
    RouteCase("feeds:subject_feed", external_ok=True),
    RouteCase("feeds:post_create", methods=("POST",), data={"body": "intruder"}, external_ok=True),
    RouteCase("feeds:follow", methods=("POST",), external_ok=True),
    RouteCase("feeds:unfollow", methods=("POST",), external_ok=True),
    RouteCase("feeds:followers", external_ok=True),
    RouteCase("feeds:post", external_ok=True),
    RouteCase("feeds:post_edit", methods=("GET", "POST"), data={"body": "defaced"}, external_ok=True),
    RouteCase("feeds:post_delete", methods=("POST",), external_ok=True),
    RouteCase("feeds:post_history", external_ok=True),
    RouteCase("feeds:comment_create", methods=("POST",), data={"body": "intruder"}, external_ok=True),
    RouteCase("feeds:react", methods=("POST",), data={"kind": "like"}, external_ok=True),
    RouteCase("feeds:forward", methods=("GET", "POST"), data={"recipients": "1", "note": "x"}),
    RouteCase("feeds:attachment", external_ok=True),
    RouteCase("feeds:attachment_thumb", external_ok=True),
    RouteCase("feeds:mention_suggest", external_ok=True),
    RouteCase("feeds:subject_suggest", external_ok=True),
    RouteCase("feeds:notifications", external_ok=True),
    RouteCase("feeds:notifications_read", methods=("POST",), external_ok=True),
    RouteCase("feeds:preferences", methods=("GET", "POST"), data={"in_app": "on"}, external_ok=True),
    RouteCase("feeds:search", external_ok=True),
]

KWARGS = {
    "post_id": lambda world: _post(world).pk,
    "attachment_id": lambda world: _post(world).attachments.get().pk,
}
