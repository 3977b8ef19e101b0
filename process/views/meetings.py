"""Meeting pages: schedule and change a meeting, its page (agenda, attendees, minutes, decisions taken,
its feed), the agenda's edits, closing, and the meeting pack (printable page and PDF). Thin: parse,
call `process.actions.meetings`, render. A refused input re-renders the page with the field named (400)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from sopsocial.api.errors import messages_by_field
from sopsocial.audit.selectors import trail_for_subject
from sopsocial.pages.panels import panels_for
from sopsocial.pages.params import ascii_int
from sopsocial.tenancy.access import tenant_view
from sopsocial.tenancy.policy import Perm, can

from ..access import access_agenda_item, access_meeting
from ..actions import meetings as actions
from ..actions.decisions import may_record_decisions
from ..meeting_forms import AgendaItemForm, MeetingForm
from ..models import CyclePhase, MeetingStatus, SopCycle
from ..pack import pack_for


def _cycle_choices(member):
    return (
        SopCycle.objects.filter(tenant=member.tenant).select_related("plan_cycle").order_by("-starts_on")[:24]
    )


def _details(form):
    data = form.cleaned_data
    return actions.MeetingDetails(
        title=data.get("title", ""),
        starts_at=data.get("starts_at"),
        ends_at=data.get("ends_at"),
        location=data.get("location", ""),
        attendees=tuple(data.get("attendees") or ()),
    )


def _add_errors(form, error):
    for name, texts in messages_by_field(error).items():
        for text in texts:
            form.add_error(name if name in form.fields else None, text)


@tenant_view(perm=Perm.RUN_CYCLE)
def meeting_new(request, member):
    """Schedule a meeting of a cycle (`?cycle=<id>&phase=<id>` preselects them)."""
    source = request.POST if request.method == "POST" else request.GET
    cycles = list(_cycle_choices(member))
    cycle_id = ascii_int(source.get("cycle", ""))
    cycle = next((c for c in cycles if c.pk == cycle_id), None)
    phases = list(CyclePhase.objects.filter(cycle=cycle).order_by("position")) if cycle else []
    phase_id = ascii_int(source.get("phase", ""))
    phase = next((p for p in phases if p.pk == phase_id), None)
    form = MeetingForm(request.POST or None, tenant=member.tenant)
    status = 200
    if request.method == "POST":
        if cycle is None:
            form.add_error(None, "Choose the cycle the meeting belongs to.")
        if form.is_valid() and cycle is not None:
            try:
                meeting = actions.check_schedule_meeting(
                    member, cycle=cycle, phase=phase, details=_details(form)
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"“{meeting.title}” scheduled; its agenda is ready to edit.")
                return redirect(meeting.get_absolute_url())
        status = 400
    context = {
        "form": form,
        "cycles": cycles,
        "cycle": cycle,
        "phases": phases,
        "phase": phase,
        "meeting": None,
    }
    return render(request, "process/meeting_form.html", context, status=status)


@tenant_view(perm=Perm.RUN_CYCLE)
def meeting_edit(request, member, meeting_id):
    meeting = access_meeting(member, meeting_id)
    if request.method == "POST":
        form = MeetingForm(request.POST, tenant=member.tenant)
        if form.is_valid():
            try:
                actions.check_update_meeting(member, meeting, _details(form))
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Meeting saved.")
                return redirect(meeting.get_absolute_url())
        status = 400
    else:
        form = MeetingForm(
            initial={
                "title": meeting.title,
                "starts_at": meeting.starts_at,
                "ends_at": meeting.ends_at,
                "location": meeting.location,
                "attendees": list(meeting.attendees.all()),
            },
            tenant=member.tenant,
        )
        status = 200
    context = {"form": form, "meeting": meeting, "cycle": meeting.cycle, "phase": meeting.phase}
    return render(request, "process/meeting_form.html", context, status=status)


def _meeting_page(request, member, meeting, errors=None, status=200):
    agenda = list(meeting.agenda.select_related("subject"))
    decisions = list(
        meeting.decisions.select_related("owner__user", "subject", "tenant").order_by("created", "id")
    )
    attendees = sorted(meeting.attendees.select_related("user"), key=lambda m: m.display_name.lower())
    can_run = can(member, Perm.RUN_CYCLE)
    context = {
        "meeting": meeting,
        "subject": meeting.subject,
        "agenda": agenda,
        "decisions": decisions,
        "attendees": attendees,
        "can_run": can_run,
        "editable": can_run and meeting.status == MeetingStatus.SCHEDULED,
        "can_record": may_record_decisions(member) and meeting.status != MeetingStatus.CANCELLED,
        "item_form": AgendaItemForm(),
        "errors": errors or {},
        "panels": panels_for(member, meeting.subject),
        "trail": trail_for_subject(meeting.subject) if can(member, Perm.VIEW_TRAIL) else [],
    }
    return render(request, "process/meeting.html", context, status=status)


@tenant_view
def meeting_detail(request, member, meeting_id):
    return _meeting_page(request, member, access_meeting(member, meeting_id))


def _act(request, member, meeting, act, done=""):
    """Run an action on the meeting; refused input re-renders its page naming the field (400)."""
    try:
        act()
    except ValidationError as error:
        meeting.refresh_from_db()
        return _meeting_page(request, member, meeting, errors=messages_by_field(error), status=400)
    if done:
        messages.success(request, done)
    return redirect(meeting.get_absolute_url())


@tenant_view(perm=Perm.RUN_CYCLE)
@require_POST
def meeting_cancel(request, member, meeting_id):
    meeting = access_meeting(member, meeting_id)
    reason = request.POST.get("reason", "")
    return _act(
        request,
        member,
        meeting,
        lambda: actions.check_cancel_meeting(member, meeting, reason),
        "Meeting cancelled.",
    )


@tenant_view(perm=Perm.RUN_CYCLE)
@require_POST
def meeting_minutes(request, member, meeting_id):
    meeting = access_meeting(member, meeting_id)
    minutes = request.POST.get("minutes", "")
    return _act(
        request,
        member,
        meeting,
        lambda: actions.check_save_minutes(member, meeting, minutes),
        "Minutes saved.",
    )


@tenant_view(perm=Perm.RUN_CYCLE)
@require_POST
def meeting_close(request, member, meeting_id):
    meeting = access_meeting(member, meeting_id)
    minutes = request.POST.get("minutes")
    return _act(
        request,
        member,
        meeting,
        lambda: actions.check_close_meeting(member, meeting, minutes),
        "Meeting closed: the minutes and decisions are on the cycle's feed.",
    )


@tenant_view(perm=Perm.RUN_CYCLE)
@require_POST
def agenda_refresh(request, member, meeting_id):
    meeting = access_meeting(member, meeting_id)
    added: list = []

    def act():
        added.extend(actions.check_refresh_agenda(member, meeting))

    response = _act(request, member, meeting, act)
    if response.status_code == 302:
        messages.success(
            request,
            f"{len(added)} item{'s' if len(added) != 1 else ''} added." if added else "Nothing new to add.",
        )
    return response


@tenant_view(perm=Perm.RUN_CYCLE)
@require_POST
def agenda_add(request, member, meeting_id):
    meeting = access_meeting(member, meeting_id)
    title, note = request.POST.get("title", ""), request.POST.get("note", "")
    return _act(
        request,
        member,
        meeting,
        lambda: actions.check_add_agenda_item(member, meeting, title=title, note=note),
    )


@tenant_view(perm=Perm.RUN_CYCLE)
@require_POST
def agenda_item_edit(request, member, meeting_id, agenda_item_id):
    meeting = access_meeting(member, meeting_id)
    item = access_agenda_item(meeting, agenda_item_id)
    post = request.POST
    return _act(
        request,
        member,
        meeting,
        lambda: actions.check_update_agenda_item(
            member,
            meeting,
            item,
            title=post.get("title", ""),
            note=post.get("note", ""),
            outcome=post.get("outcome", ""),
        ),
    )


@tenant_view(perm=Perm.RUN_CYCLE)
@require_POST
def agenda_item_move(request, member, meeting_id, agenda_item_id):
    meeting = access_meeting(member, meeting_id)
    item = access_agenda_item(meeting, agenda_item_id)
    direction = request.POST.get("direction", "")
    return _act(
        request, member, meeting, lambda: actions.check_move_agenda_item(member, meeting, item, direction)
    )


@tenant_view(perm=Perm.RUN_CYCLE)
@require_POST
def agenda_item_remove(request, member, meeting_id, agenda_item_id):
    meeting = access_meeting(member, meeting_id)
    item = access_agenda_item(meeting, agenda_item_id)
    return _act(request, member, meeting, lambda: actions.check_remove_agenda_item(member, meeting, item))


def _pack_context(request, member, meeting):
    return {
        "meeting": meeting,
        "pack": pack_for(meeting, request.build_absolute_uri),
        "decisions": list(
            meeting.decisions.select_related("owner__user", "tenant").order_by("created", "id")
        ),
        "attendees": sorted(meeting.attendees.select_related("user"), key=lambda m: m.display_name.lower()),
        "meeting_url": request.build_absolute_uri(meeting.get_absolute_url()),
        "tenant": member.tenant,
    }


@tenant_view
def meeting_pack(request, member, meeting_id):
    """The meeting pack as a printable page."""
    meeting = access_meeting(member, meeting_id)
    return render(request, "process/pack.html", _pack_context(request, member, meeting))


@tenant_view
def meeting_pack_pdf(request, member, meeting_id):
    """The same pack as a PDF (WeasyPrint renders the print template; charts are inline SVG)."""
    # Imported here: loading pango is paid for by PDF requests only.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    meeting = access_meeting(member, meeting_id)
    html = render_to_string("process/pack_pdf.html", _pack_context(request, member, meeting), request=request)
    # The pack embeds all it shows (charts are inline SVG): nothing in the data makes the server fetch.
    pdf = HTML(
        string=html,
        base_url=request.build_absolute_uri("/"),
        url_fetcher=URLFetcher(allowed_protocols=("data",)),
    ).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="meeting-pack-{meeting.pk}.pdf"'
    return response
