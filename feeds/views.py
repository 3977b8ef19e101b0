"""Feed pages and fragments. Thin: parse input, call a check_/do_ action or a selector, render.
With htmx the partial is returned; validation errors answer 422 with the form re-rendered."""

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from sopsocial.api.errors import messages_by_field
from sopsocial.audit.selectors import trail_for_subject
from sopsocial.pages.params import ascii_ints
from sopsocial.subjects.access import access_subject
from sopsocial.subjects.models import SubjectKind
from sopsocial.subjects.selectors import visible_subjects
from sopsocial.tenancy import people_pages
from sopsocial.tenancy.access import tenant_view
from sopsocial.tenancy.models import Membership
from sopsocial.tenancy.policy import Perm, can

from . import actions, push, selectors
from . import search as feed_search
from .access import access_attachment, access_item, access_own_post, access_post
from .forms import (
    CommentForm,
    EditForm,
    ForwardForm,
    HomeFilterForm,
    PostForm,
    PreferencesForm,
    ReactionForm,
    SearchForm,
)
from .models import PostRevision, Visibility
from .selectors import Cursor

UNPROCESSABLE = 422


# --- Home feed ---------------------------------------------------------------------------------------


@tenant_view(allow_external=True)
@require_GET
def home(request, member):
    """The member's home feed: their inbox, newest first, keyset-paged, with filters."""
    form = HomeFilterForm(request.GET)
    form.is_valid()
    filter_name = form.cleaned_data.get("f") or "all"
    kind = form.cleaned_data.get("kind") or None
    page = selectors.home_page(
        member, before=Cursor.decode(request.GET.get("before")), filter_name=filter_name, subject_kind=kind
    )
    context = {
        "page": page,
        "filter_name": filter_name,
        "kind": kind or "",
        "filters": selectors.HOME_FILTERS.items(),
        "kinds": SubjectKind.choices,
        "unread": selectors.unread_count(member),
    }
    if request.htmx and request.GET.get("before"):
        return render(request, "feeds/partials/_home_entries.html", context)
    return render(request, "feeds/home.html", context)


@tenant_view(allow_external=True)
@require_GET
def since(request, member):
    """Everything after the newest item the page shows (reconnect and polling), plus fresh badges."""
    after = Cursor.decode(request.GET.get("after"))
    page = selectors.home_page(member, after=after, size=50) if after else None
    return render(
        request,
        "feeds/partials/_since.html",
        {"page": page, **_badge_context(member), "oob": True},
    )


def _badge_context(member):
    return {
        "unread": selectors.unread_count(member),
        "bell": selectors.unread_notification_count(member),
    }


@tenant_view(allow_external=True)
@require_GET
def badges(request, member):
    return render(request, "feeds/partials/_badges.html", _badge_context(member))


@tenant_view(allow_external=True)
@require_POST
def mark_read(request, member):
    ids = ascii_ints(request.POST.getlist("item")) or None
    actions.do_mark_read(member, ids)
    if request.htmx:
        return render(request, "feeds/partials/_badges.html", {**_badge_context(member), "oob": True})
    return redirect("feeds:home", tenant_slug=member.tenant.slug)


# --- Subjects: feed fragment, follow, composer ---------------------------------------------------------


def _subject_feed_context(member, subject, before=None, form=None, errors=None):
    return {
        "subject": subject,
        "page": selectors.subject_page(member, subject, before=before),
        "following": selectors.is_following(member.user, subject),
        "follower_count": selectors.follower_count(subject),
        "form": form or PostForm(initial={"visibility": Visibility.INTERNAL}),
        "errors": errors or {},
        "can_share_with_partners": can(member, Perm.CHOOSE_POST_VISIBILITY),
    }


@tenant_view(allow_external=True)
@require_GET
def subject_feed(request, member, subject_id):
    """The embeddable feed of any subject (its items and its descendants'), composer and follow button.
    Other apps embed it with hx-get ... hx-trigger="load"."""
    subject = access_subject(member, subject_id)
    before = Cursor.decode(request.GET.get("before"))
    context = _subject_feed_context(member, subject, before=before)
    if before:
        return render(request, "feeds/partials/_subject_entries.html", context)
    return render(request, "feeds/partials/_subject_feed.html", context)


@tenant_view(allow_external=True)
@require_POST
def post_create(request, member, subject_id):
    subject = access_subject(member, subject_id)
    form = PostForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    tag_ids = data.get("tagged") or []
    tagged = list(visible_subjects(member).filter(pk__in=tag_ids)) if tag_ids else []
    try:
        if len(tagged) != len(set(tag_ids)):
            raise ValidationError({"tagged": "You can only tag things you can see."})
        post = actions.check_create_post(
            member,
            subject=subject,
            body=request.POST.get("body", ""),
            tagged=tagged,
            files=request.FILES.getlist("files"),
            visibility=request.POST.get("visibility") or Visibility.INTERNAL,
        )
    except ValidationError as error:
        context = {
            "subject": subject,
            "form": form,
            "errors": messages_by_field(error),
            "can_share_with_partners": can(member, Perm.CHOOSE_POST_VISIBILITY),
        }
        template = "feeds/partials/_composer.html" if request.htmx else "feeds/post_error.html"
        return render(request, template, context, status=UNPROCESSABLE if request.htmx else 400)
    if request.htmx:
        selectors.hydrate([post], member)
        context = {
            "subject": subject,
            "form": PostForm(initial={"visibility": Visibility.INTERNAL}),
            "errors": {},
            "new_item": post,
            "can_share_with_partners": can(member, Perm.CHOOSE_POST_VISIBILITY),
        }
        return render(request, "feeds/partials/_composer.html", context)
    return redirect(post.get_absolute_url())


@tenant_view(allow_external=True)
@require_POST
def follow(request, member, subject_id):
    subject = access_subject(member, subject_id)
    actions.do_follow(member, subject)
    return _follow_response(request, member, subject)


@tenant_view(allow_external=True)
@require_POST
def unfollow(request, member, subject_id):
    subject = access_subject(member, subject_id)
    actions.do_unfollow(member, subject)
    return _follow_response(request, member, subject)


def _follow_response(request, member, subject):
    if request.htmx:
        return render(
            request,
            "feeds/partials/_follow.html",
            {
                "subject": subject,
                "following": selectors.is_following(member.user, subject),
                "follower_count": selectors.follower_count(subject),
            },
        )
    return redirect(subject.get_absolute_url())


@tenant_view(allow_external=True)
@require_GET
def followers(request, member, subject_id):
    subject = access_subject(member, subject_id)
    people = selectors.followers_of(subject)
    if member.is_external:
        people = people.filter(partner__isnull=True) | people.filter(partner_id=member.partner_id)
    return render(request, "feeds/followers.html", {"subject": subject, "people": people})


@tenant_view(allow_external=True)
@require_GET
def following(request, member):
    context = {"subjects": selectors.followed_subjects(member), "my_page": people_pages.person_url(member)}
    return render(request, "feeds/following.html", context)


# --- Posts --------------------------------------------------------------------------------------------------


@tenant_view(allow_external=True)
@require_GET
def post_detail(request, member, post_id):
    item = access_item(member, post_id)
    selectors.hydrate([item], member)
    actions.do_mark_read(member, [item.pk])
    context = {
        "item": item,
        "subject": item.subject,
        "trail": [e for e in trail_for_subject(item.subject) if re.search(rf"#{item.pk}\b", e.target)]
        if can(member, Perm.VIEW_TRAIL)
        else [],
        "revision_count": PostRevision.objects.filter(item=item).count(),
    }
    return render(request, "feeds/post.html", context)


@tenant_view(allow_external=True)
def post_edit(request, member, post_id):
    post = access_own_post(member, post_id)
    if post.author_id != member.user_id:
        raise Http404
    errors = {}
    if request.method == "POST":
        try:
            actions.check_edit_post(member, post, body=request.POST.get("body", ""))
            return redirect(post.get_absolute_url())
        except ValidationError as error:
            errors = messages_by_field(error)
        form = EditForm(request.POST)
    else:
        form = EditForm(initial={"body": post.body})
    return render(
        request,
        "feeds/post_edit.html",
        {"item": post, "form": form, "errors": errors},
        status=422 if errors else 200,
    )


@tenant_view(allow_external=True)
@require_POST
def post_delete(request, member, post_id):
    post = access_own_post(member, post_id)
    try:
        actions.check_delete_post(member, post)
    except ValidationError as error:
        return render(request, "feeds/post_error.html", {"errors": messages_by_field(error)}, status=403)
    return redirect(post.subject.get_absolute_url())


@tenant_view(allow_external=True)
@require_GET
def post_history(request, member, post_id):
    item = access_item(member, post_id)
    revisions = PostRevision.objects.filter(item=item).select_related("edited_by")
    return render(request, "feeds/post_history.html", {"item": item, "revisions": revisions})


@tenant_view(allow_external=True)
@require_POST
def comment_create(request, member, post_id):
    item = access_post(member, post_id)
    form = CommentForm(request.POST)
    errors = {}
    try:
        actions.check_create_comment(member, item, body=request.POST.get("body", ""))
        form = CommentForm()
    except ValidationError as error:
        errors = messages_by_field(error)
    if request.htmx:
        selectors.hydrate([item], member)
        return render(
            request,
            "feeds/partials/_comments.html",
            {"item": item, "comment_form": form, "errors": errors},
            status=UNPROCESSABLE if errors else 200,
        )
    if errors:
        return render(request, "feeds/post_error.html", {"errors": errors}, status=400)
    return redirect(item.get_absolute_url())


@tenant_view(allow_external=True)
@require_POST
def react(request, member, post_id):
    item = access_post(member, post_id)
    form = ReactionForm(request.POST)
    if not form.is_valid():
        return render(request, "feeds/post_error.html", {"errors": form.errors}, status=400)
    try:
        actions.do_toggle_reaction(member, item, form.cleaned_data["kind"])
    except ValidationError as error:
        return render(request, "feeds/post_error.html", {"errors": messages_by_field(error)}, status=400)
    if request.htmx:
        selectors.hydrate([item], member)
        return render(request, "feeds/partials/_reactions.html", {"item": item})
    return redirect(item.get_absolute_url())


@tenant_view
def forward(request, member, post_id):
    item = access_post(member, post_id)
    people = (
        Membership.objects.filter(tenant=member.tenant, is_active=True, partner__isnull=True)
        .exclude(user=member.user)
        .select_related("user")
    )
    errors = {}
    if request.method == "POST":
        form = ForwardForm(request.POST, people=people)
        form.is_valid()
        try:
            forward_item = actions.check_forward_post(
                member,
                item,
                recipients=[r for r in request.POST.getlist("recipients")],
                note=request.POST.get("note", ""),
            )
            sent_to = forward_item.mentions.select_related("user").order_by("user__first_name")
            names = ", ".join(m.user.get_full_name() or m.user.username for m in sent_to)
            messages.success(request, f"Forwarded to {names}. Only they see your note.")
            return redirect(item.get_absolute_url())
        except ValidationError as error:
            errors = messages_by_field(error)
    else:
        form = ForwardForm(people=people)
    return render(
        request,
        "feeds/forward.html",
        {"item": item, "form": form, "errors": errors, "chosen": request.POST.getlist("recipients")},
        status=422 if errors else 200,
    )


# --- Attachments -----------------------------------------------------------------------------------------

SAFE_INLINE = {"image/png", "image/jpeg"}  # what we re-encoded ourselves


def _serve(attachment, name, content_type, inline):
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=not inline, filename=attachment.original_name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@tenant_view(allow_external=True)
@require_GET
def attachment(request, member, attachment_id):
    """Serve a file only to someone who may read its item: re-encoded raster images inline, anything
    else as a download (never rendered by the browser)."""
    a = access_attachment(member, attachment_id)
    inline = a.is_image and a.content_type in SAFE_INLINE and request.GET.get("download") != "1"
    return _serve(a, a.file.name, a.content_type if inline else "application/octet-stream", inline)


@tenant_view(allow_external=True)
@require_GET
def attachment_thumb(request, member, attachment_id):
    a = access_attachment(member, attachment_id)
    if not a.thumbnail:
        raise Http404
    return _serve(a, a.thumbnail.name, a.content_type, True)


# --- Suggestions ----------------------------------------------------------------------------------------


@tenant_view(allow_external=True)
@require_GET
def mention_suggest(request, member):
    query = request.GET.get("q", "")
    people = selectors.mention_candidates(member, query)
    teams = selectors.team_mention_candidates(member, query)
    return render(request, "feeds/partials/_mention_suggest.html", {"people": people, "teams": teams})


@tenant_view(allow_external=True)
@require_GET
def subject_suggest(request, member):
    query = request.GET.get("tag_query", "").strip()[:100]
    subjects = visible_subjects(member).filter(title__icontains=query).order_by("title")[:10] if query else []
    return render(request, "feeds/partials/_subject_suggest.html", {"subjects": subjects})


# --- Notifications -----------------------------------------------------------------------------------


@tenant_view(allow_external=True)
@require_GET
def notifications(request, member):
    return render(request, "feeds/notifications.html", {"notifications": selectors.notifications_for(member)})


@tenant_view(allow_external=True)
@require_POST
def notifications_read(request, member):
    actions.do_mark_notifications_read(member)
    if request.htmx:
        return render(request, "feeds/partials/_badges.html", {**_badge_context(member), "oob": True})
    return redirect("feeds:notifications", tenant_slug=member.tenant.slug)


@tenant_view(allow_external=True)
def preferences(request, member):
    prefs = selectors.preferences_for(member.user, member.tenant)
    saved = False
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            actions.do_save_preferences(member, **form.cleaned_data)
            saved = True
    else:
        form = PreferencesForm(initial={name: getattr(prefs, name) for name in PreferencesForm.base_fields})
    return render(
        request,
        "feeds/preferences.html",
        {
            "form": form,
            "saved": saved,
            "push_keys": push.vapid_keys(),
            "push_off_reason": push.push_off_reason(),
            "push_devices": push.subscriptions_of(member.user, member.tenant_id),
        },
    )


# --- Search ----------------------------------------------------------------------------------------------


@tenant_view(allow_external=True)
@require_GET
def search(request, member):
    form = SearchForm(request.GET)
    results = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        results = feed_search.search(member, form.cleaned_data["q"])
    template = "feeds/partials/_search_results.html" if request.htmx else "feeds/search.html"
    return render(request, template, {"form": form, "results": results, "q": form.data.get("q", "")})
