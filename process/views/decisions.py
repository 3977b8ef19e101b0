"""Decision pages: the register (filters, CSV), record a decision, its page (all fields, follow-up
tasks, feed, follow, trail), decide, cancel and add a follow-up task. Internal members only."""

import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sopsocial.api.errors import messages_by_field
from sopsocial.audit.selectors import trail_for_subject
from sopsocial.pages.panels import panels_for
from sopsocial.pages.params import ascii_int
from sopsocial.pages.spreadsheet import spreadsheet_safe
from sopsocial.subjects.models import Subject
from sopsocial.tenancy.access import tenant_view
from sopsocial.tenancy.policy import Perm, can

from ..access import access_decision, access_meeting
from ..actions import decisions as actions
from ..meeting_forms import DecideForm, DecisionForm, FollowUpTaskForm, people_of
from ..models import DecisionStatus, SopCycle
from ..selectors import DecisionFilters, decisions_for

REGISTER_ROWS = 200


@tenant_view
def decision_register(request, member):
    """The tenant's decisions, newest first: filter by status, owner, cycle, KPI and text."""
    filters = DecisionFilters.from_query(request.GET)
    rows = list(decisions_for(member, filters)[: REGISTER_ROWS + 1])
    context = {
        "decisions": rows[:REGISTER_ROWS],
        "more": len(rows) > REGISTER_ROWS,
        "filters": filters,
        "query": urlencode(filters.as_query()),
        "statuses": DecisionStatus.choices,
        "people": people_of(member.tenant),
        "cycles": SopCycle.objects.filter(tenant=member.tenant)
        .select_related("plan_cycle")
        .order_by("-starts_on"),
        "can_record": actions.may_record_decisions(member),
    }
    return render(request, "process/decision_register.html", context)


EXPORT_HEADER = [
    "id",
    "question",
    "status",
    "options",
    "choice",
    "rationale",
    "owner",
    "due_on",
    "expected_kpi",
    "expected_direction",
    "expected_size",
    "expected_unit",
    "horizon_weeks",
    "cycle",
    "meeting",
    "about",
    "decided_at",
    "created",
    "url",
]


class _Echo:
    def write(self, value):
        return value


def _export_rows(request, decisions):
    writer = csv.writer(_Echo())
    yield writer.writerow(EXPORT_HEADER)
    for d in decisions:
        values = (
            d.pk,
            d.question,
            d.get_status_display(),
            " | ".join(d.options),
            d.choice,
            d.rationale,
            d.owner.display_name if d.owner else "",
            d.due_on.isoformat() if d.due_on else "",
            d.expected_kpi,
            d.expected_direction,
            d.expected_size if d.expected_size is not None else "",
            d.expected_unit,
            d.horizon_weeks or "",
            str(d.cycle.plan_cycle) if d.cycle else "",
            d.meeting.title if d.meeting else "",
            d.about.title if d.about else "",
            d.decided_at.isoformat() if d.decided_at else "",
            d.created.isoformat(),
            request.build_absolute_uri(d.get_absolute_url()),
        )
        yield writer.writerow([spreadsheet_safe(v) for v in values])


@tenant_view
def decision_register_csv(request, member):
    """The register as CSV, with the same filters (every matching decision, not only the first page).
    Built whole: a register holds hundreds of decisions, not millions, and no cursor outlives the view."""
    decisions = list(decisions_for(member, DecisionFilters.from_query(request.GET)))
    response = HttpResponse("".join(_export_rows(request, decisions)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="decisions-{member.tenant.slug}.csv"'
    return response


def _input(member, form, meeting, agenda_item, about):
    data = form.cleaned_data
    return actions.DecisionInput(
        question=data.get("question", ""),
        options=tuple(data.get("options") or ()),
        choice=data.get("choice", ""),
        rationale=data.get("rationale", ""),
        owner=data.get("owner"),
        due_on=data.get("due_on"),
        expected_kpi=data.get("expected_kpi", ""),
        expected_direction=data.get("expected_direction", ""),
        expected_size=data.get("expected_size"),
        expected_unit=data.get("expected_unit", ""),
        horizon_weeks=data.get("horizon_weeks"),
        about=about,
        meeting=meeting,
        agenda_item=agenda_item,
        cycle=meeting.cycle if meeting is not None else None,
    )


@tenant_view
def decision_new(request, member):
    """Record a decision; `?meeting=<id>&agenda_item=<id>` records it from a meeting's agenda item,
    `?about=<subject id>` about a subject (an alert's product, a plan version...)."""
    if not actions.may_record_decisions(member):
        raise PermissionDenied("Only executives, planners and admins record decisions.")
    source = request.POST if request.method == "POST" else request.GET
    meeting = access_meeting(member, source["meeting"]) if source.get("meeting") else None
    agenda_item = None
    if meeting is not None and source.get("agenda_item"):
        item_id = ascii_int(source.get("agenda_item"))
        agenda_item = meeting.agenda.select_related("subject").filter(pk=item_id).first() if item_id else None
    about = None
    about_id = ascii_int(source.get("about", ""))
    if about_id is not None:
        about = Subject.objects.filter(tenant=member.tenant, pk=about_id).first()
    elif agenda_item is not None:
        about = agenda_item.subject
    initial = {"question": agenda_item.title[:300]} if agenda_item is not None else {}
    form = DecisionForm(request.POST or None, initial=initial, tenant=member.tenant)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                decision = actions.check_record_decision(
                    member,
                    _input(member, form, meeting, agenda_item, about),
                    decide_now=form.cleaned_data.get("decide_now", False),
                )
            except ValidationError as error:
                for name, texts in messages_by_field(error).items():
                    for text in texts:
                        form.add_error(name if name in form.fields else None, text)
            else:
                messages.success(request, "Decision recorded.")
                return redirect(meeting.get_absolute_url() if meeting else decision.get_absolute_url())
        status = 400
    context = {"form": form, "meeting": meeting, "agenda_item": agenda_item, "about": about}
    return render(request, "process/decision_form.html", context, status=status)


@tenant_view
def decision_edit(request, member, decision_id):
    """Change an open decision: its question, options, proposal, owner, due date and expected effect."""
    decision = access_decision(member, decision_id)
    if not actions.may_decide(member, decision):
        raise PermissionDenied("Only the decision's owner, executives, planners and admins change it.")
    if request.method == "POST":
        form = DecisionForm(request.POST, tenant=member.tenant)
        del form.fields["decide_now"]  # deciding is its own step on the decision's page
        if form.is_valid():
            try:
                actions.check_update_decision(
                    member,
                    decision,
                    _input(member, form, decision.meeting, decision.agenda_item, decision.about),
                )
            except ValidationError as error:
                for name, texts in messages_by_field(error).items():
                    for text in texts:
                        form.add_error(name if name in form.fields else None, text)
            else:
                messages.success(request, "Decision saved.")
                return redirect(decision.get_absolute_url())
        status = 400
    else:
        form = DecisionForm(
            initial={
                "question": decision.question,
                "options": "\n".join(decision.options),
                "choice": decision.choice,
                "rationale": decision.rationale,
                "owner": decision.owner,
                "due_on": decision.due_on,
                "expected_kpi": decision.expected_kpi,
                "expected_direction": decision.expected_direction,
                "expected_size": decision.expected_size,
                "expected_unit": decision.expected_unit,
                "horizon_weeks": decision.horizon_weeks,
            },
            tenant=member.tenant,
        )
        del form.fields["decide_now"]  # deciding is its own step on the decision's page
        status = 200
    context = {"form": form, "decision": decision, "meeting": decision.meeting, "about": decision.about}
    return render(request, "process/decision_form.html", context, status=status)


def _decision_page(request, member, decision, errors=None, status=200):
    tasks = list(
        decision.follow_up_tasks.select_related("assignee_member__user", "assignee_team", "tenant").order_by(
            "due_on", "id"
        )
    )
    context = {
        "decision": decision,
        "subject": decision.subject,
        "effect": actions.effect_text(decision),
        "tasks": tasks,
        "may_decide": actions.may_decide(member, decision),
        "decide_form": DecideForm(initial={"choice": decision.choice, "rationale": decision.rationale}),
        "task_form": FollowUpTaskForm(tenant=member.tenant),
        "errors": errors or {},
        "panels": panels_for(member, decision.subject),
        "trail": trail_for_subject(decision.subject) if can(member, Perm.VIEW_TRAIL) else [],
    }
    return render(request, "process/decision.html", context, status=status)


@tenant_view
def decision_detail(request, member, decision_id):
    return _decision_page(request, member, access_decision(member, decision_id))


def _act(request, member, decision, act, done):
    try:
        act()
    except ValidationError as error:
        decision = access_decision(member, decision.pk)
        return _decision_page(request, member, decision, errors=messages_by_field(error), status=400)
    messages.success(request, done)
    return redirect(decision.get_absolute_url())


@tenant_view
@require_POST
def decision_decide(request, member, decision_id):
    decision = access_decision(member, decision_id)
    choice, rationale = request.POST.get("choice", ""), request.POST.get("rationale", "")
    return _act(
        request,
        member,
        decision,
        lambda: actions.check_decide(member, decision, choice=choice, rationale=rationale),
        "Decided: the followers see it in their feed.",
    )


@tenant_view
@require_POST
def decision_cancel(request, member, decision_id):
    decision = access_decision(member, decision_id)
    reason = request.POST.get("reason", "")
    return _act(
        request,
        member,
        decision,
        lambda: actions.check_cancel_decision(member, decision, reason),
        "Decision cancelled.",
    )


@tenant_view
@require_POST
def decision_task(request, member, decision_id):
    decision = access_decision(member, decision_id)
    form = FollowUpTaskForm(request.POST, tenant=member.tenant)

    def act():
        if not form.is_valid():
            raise ValidationError({name: list(texts) for name, texts in form.errors.items()})
        data = form.cleaned_data
        actions.check_add_follow_up_task(
            member,
            decision,
            title=data["title"],
            assignee_member=data.get("assignee"),
            due_on=data.get("due_on"),
        )

    return _act(request, member, decision, act, "Follow-up task added.")
