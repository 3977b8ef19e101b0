"""Cycle calendar pages: the cycles list (and "start the S&OP process" for older plan cycles), a cycle's
timeline, a phase with its criteria, start/close/reopen, the .ics calendar, and the template settings."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from icalendar import Calendar, Event

from sopsocial.audit.selectors import trail_for_subject
from sopsocial.pages.panels import panels_for
from sopsocial.tenancy.access import tenant_view
from sopsocial.tenancy.policy import Perm, can

from .. import access, criteria, selectors
from .. import cycle_forms as forms
from ..actions import cycles as actions
from ..actions import rescheduling
from ..models import PhaseTaskTemplate, PhaseTemplate, ProcessSettings


def _messages_of(error: ValidationError) -> list[str]:
    return list(error.messages)


@tenant_view
def cycle_list(request, member):
    cycles = list(selectors.cycles_for(member.tenant))
    today = timezone.localdate()
    rows = []
    for cycle in cycles:
        phases = list(cycle.phases.all())
        current = next((p for p in phases if p.status != "done"), None)
        done = sum(1 for p in phases if p.status == "done")
        rows.append(
            {
                "cycle": cycle,
                "current": current,
                "current_state": current.state(today) if current else "done",
                "done": done,
                "total": len(phases),
            }
        )
    context = {
        "rows": rows,
        "without_process": list(selectors.plan_cycles_without_process(member.tenant)),
        "can_run": can(member, Perm.RUN_CYCLE),
        "can_configure": can(member, Perm.MANAGE_SETTINGS),
    }
    return render(request, "process/cycle_list.html", context)


@tenant_view(perm=Perm.RUN_CYCLE)
@require_POST
def cycle_start(request, member):
    """The idempotent "Start the S&OP process for this cycle" button of a plan cycle made before."""
    plan_cycle = access.access_plan_cycle(member, request.POST.get("plan_cycle"))
    cycle = actions.check_start_sop_cycle(member, plan_cycle)
    messages.success(request, f"The S&OP process of {plan_cycle} is set up.")
    return redirect(cycle.get_absolute_url())


def _cycle_context(member, cycle):
    return {
        "cycle": cycle,
        "rows": selectors.phase_rows(cycle),
        "meetings": list(selectors.meetings_of(cycle)),
        "locks": selectors.locks_of(cycle),
        "panels": panels_for(member, cycle.subject),
        "trail": trail_for_subject(cycle.subject) if can(member, Perm.VIEW_TRAIL) else [],
        "subject": cycle.subject,
        "can_run": can(member, Perm.RUN_CYCLE),
        "can_override": can(member, Perm.OVERRIDE_PHASE),
    }


@tenant_view
def cycle_detail(request, member, cycle_id):
    cycle = access.access_cycle(member, cycle_id)
    return render(request, "process/cycle_detail.html", _cycle_context(member, cycle))


def _phase_context(member, phase, **extra):
    return {
        "cycle": phase.cycle,
        "phase": phase,
        "state": phase.state(),
        "criteria": criteria.evaluate(phase),
        "tasks": list(
            phase.tasks.select_related("assignee_member__user", "assignee_team").order_by("due_on", "id")
        ),
        "meetings": list(phase.meetings.order_by("starts_at", "id")),
        "panels": panels_for(member, phase.subject),
        "trail": trail_for_subject(phase.subject) if can(member, Perm.VIEW_TRAIL) else [],
        "subject": phase.subject,
        "can_run": can(member, Perm.RUN_CYCLE),
        "can_override": can(member, Perm.OVERRIDE_PHASE),
        "close_form": extra.pop("close_form", None) or forms.ClosePhaseForm(),
        "reopen_form": extra.pop("reopen_form", None) or forms.ReopenPhaseForm(),
        "edit_form": extra.pop("edit_form", None) or forms.PhaseEditForm.for_phase(phase),
        **extra,
    }


@tenant_view
def phase_detail(request, member, cycle_id, phase_id):
    phase = access.access_phase(member, cycle_id, phase_id)
    return render(request, "process/phase_detail.html", _phase_context(member, phase))


def _back(request, phase):
    back = request.POST.get("back")
    if back == "my_work":  # closed from My work: back to the rest of one's work
        return redirect("process:my_work", tenant_slug=phase.tenant.slug)
    return redirect(phase.cycle.get_absolute_url() if back == "cycle" else phase.get_absolute_url())


@tenant_view(perm=Perm.RUN_CYCLE)
@require_POST
def phase_start(request, member, cycle_id, phase_id):
    phase = access.access_phase(member, cycle_id, phase_id)
    try:
        actions.check_start_phase(member, phase)
        messages.success(request, f"{phase.name} started.")
    except ValidationError as e:
        messages.error(request, " ".join(_messages_of(e)))
    return _back(request, phase)


@tenant_view(perm=Perm.RUN_CYCLE)
@require_POST
def phase_close(request, member, cycle_id, phase_id):
    """Close the phase; refused with each unmet criterion listed (422, the phase page) unless an admin
    gives a reason to override."""
    phase = access.access_phase(member, cycle_id, phase_id)
    form = forms.ClosePhaseForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            actions.check_close_phase(member, phase, override_reason=form.cleaned_data["reason"])
        except ValidationError as e:
            errors = _messages_of(e)
        except PermissionDenied as e:
            return render(request, "403.html", {"reason": str(e)}, status=403)
        else:
            messages.success(request, f"{phase.name} closed.")
            return _back(request, phase)
    else:
        errors = [f"Reason: {' '.join(errs)}" for errs in form.errors.values()]
    context = _phase_context(member, phase, close_form=form, close_errors=errors)
    return render(request, "process/phase_detail.html", context, status=422)


@tenant_view(perm=Perm.RUN_CYCLE)
@require_POST
def phase_edit(request, member, cycle_id, phase_id):
    """Change this cycle's phase: owner, dates, what closing it locks (audited `phase.update`)."""
    phase = access.access_phase(member, cycle_id, phase_id)
    form = forms.PhaseEditForm(member.tenant, request.POST)
    errors: list[str] = []
    if form.is_valid():
        owner_member, owner_team = form.owner_pair()
        try:
            rescheduling.check_update_phase(
                member,
                phase,
                owner_member=owner_member,
                owner_team=owner_team,
                starts_on=form.cleaned_data["starts_on"],
                due_on=form.cleaned_data["due_on"],
                locks_plan_type=form.cleaned_data["locks_plan_type"] or "",
            )
        except ValidationError as e:
            errors = _messages_of(e)
        else:
            messages.success(request, f"{phase.name} changed.")
            return redirect(phase.get_absolute_url())
    context = _phase_context(member, phase, edit_form=form, edit_errors=errors)
    return render(request, "process/phase_detail.html", context, status=422)


@tenant_view(perm=Perm.RUN_CYCLE)
@require_POST
def phase_reopen(request, member, cycle_id, phase_id):
    phase = access.access_phase(member, cycle_id, phase_id)
    form = forms.ReopenPhaseForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            actions.check_reopen_phase(member, phase, reason=form.cleaned_data["reason"])
        except ValidationError as e:
            errors = _messages_of(e)
        else:
            messages.success(request, f"{phase.name} reopened.")
            return _back(request, phase)
    context = _phase_context(member, phase, reopen_form=form, reopen_errors=errors)
    return render(request, "process/phase_detail.html", context, status=422)


def _uid(kind: str, pk: int, host: str) -> str:
    # stable across downloads, so a calendar that imports the file again updates rather than duplicates
    return f"sopsocial-{kind}-{pk}@{host}"


@tenant_view
def cycle_ics(request, member, cycle_id):
    """The cycle's phases (all-day events, from start to the day after due) and meetings (timed)."""
    cycle = access.access_cycle(member, cycle_id)
    host = request.get_host().split(":")[0] or "sopsocial"
    cal = Calendar()
    cal.add("prodid", "-//sopsocial//S&OP cycle//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"S&OP {cycle.plan_cycle} · {member.tenant.name}")
    stamp = cycle.created
    for phase in selectors.phases_of(cycle):
        event = Event()
        event.add("uid", _uid("phase", phase.pk, host))
        event.add("dtstamp", stamp)
        event.add("summary", f"{phase.name} ({cycle.plan_cycle})")
        event.add("dtstart", phase.starts_on)
        event.add("dtend", phase.due_on + dt.timedelta(days=1))
        owner = actions.owner_label(phase)
        event.add(
            "description",
            f"{phase.get_status_display()}. Due {phase.due_on:%a %d %b %Y}."
            + (f" Owner: {owner}." if owner else ""),
        )
        event.add("url", request.build_absolute_uri(phase.get_absolute_url()))
        cal.add_component(event)
    for meeting in selectors.meetings_of(cycle):
        event = Event()
        event.add("uid", _uid("meeting", meeting.pk, host))
        event.add("dtstamp", stamp)
        event.add("summary", meeting.title)
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.ends_at)
        if meeting.location:
            event.add("location", meeting.location)
        if meeting.status == "cancelled":
            event.add("status", "CANCELLED")
        event.add("url", request.build_absolute_uri(meeting.get_absolute_url()))
        cal.add_component(event)
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    name = f"sop-{cycle.plan_cycle.month:%Y-%m}.ics"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- template settings (admins) ---------------------------------------------------------------------


def _settings_context(member, settings_form=None, task_errors=None, **extra):
    templates = actions.ensure_phase_templates(member.tenant)
    # shown, not written: the row is made when the settings are first saved (defaults meanwhile)
    row = ProcessSettings.objects.filter(tenant=member.tenant).first() or ProcessSettings(
        tenant=member.tenant
    )
    task_templates: dict[int, list] = {}
    for tt in (
        PhaseTaskTemplate.objects.filter(tenant=member.tenant)
        .select_related("assignee_member__user", "assignee_team")
        .order_by("position", "id")
    ):
        task_templates.setdefault(tt.phase_id, []).append(tt)
    labels = dict(criteria.CHOICES)
    phases = [
        {
            "template": t,
            "owner": actions.owner_label(t),
            "criteria": [labels.get(k, k) for k in t.criteria or []],
            "tasks": task_templates.get(t.pk, []),
            "task_form": forms.TaskTemplateForm(tenant=member.tenant, auto_id=f"id_t{t.pk}_%s"),
            "task_errors": (task_errors or {}).get(t.pk, []),
        }
        for t in sorted(templates, key=lambda t: (t.position, t.pk))
    ]
    return {
        "phases": phases,
        "settings_form": settings_form
        or forms.ProcessSettingsForm(
            initial={
                "remind_days_before": row.remind_days_before,
                "escalate_after_days": row.escalate_after_days,
            }
        ),
        **extra,
    }


@tenant_view(perm=Perm.MANAGE_SETTINGS)
@require_http_methods(["GET", "POST"])
def cycle_settings(request, member):
    """The cycle template (phases and their tasks) and how reminders and escalation run."""
    if request.method == "POST":
        form = forms.ProcessSettingsForm(request.POST)
        if form.is_valid():
            try:
                actions.check_update_process_settings(member, **form.cleaned_data)
            except ValidationError as e:
                for field, errs in e.message_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                messages.success(request, "Reminder and escalation settings saved.")
                return redirect("process:cycle_settings", tenant_slug=member.tenant.slug)
        return render(request, "process/cycle_settings.html", _settings_context(member, form), status=422)
    return render(request, "process/cycle_settings.html", _settings_context(member))


def _phase_form_page(request, member, template):
    if request.method == "POST":
        form = forms.PhaseTemplateForm(request.POST, tenant=member.tenant)
        if form.is_valid():
            try:
                saved = actions.check_save_phase_template(member, template, form.to_input())
            except ValidationError as e:
                for field, errs in e.message_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                messages.success(request, f"Phase {saved.name} saved; cycles started from now on use it.")
                return redirect("process:cycle_settings", tenant_slug=member.tenant.slug)
        status = 422
    else:
        initial = (
            forms.PhaseTemplateForm.initial_for(template)
            if template is not None
            else {"position": PhaseTemplate.objects.filter(tenant=member.tenant).count() + 1}
        )
        form = forms.PhaseTemplateForm(initial=initial, tenant=member.tenant)
        status = 200
    return render(
        request, "process/phase_template_form.html", {"form": form, "template": template}, status=status
    )


@tenant_view(perm=Perm.MANAGE_SETTINGS)
@require_http_methods(["GET", "POST"])
def phase_template_new(request, member):
    actions.ensure_phase_templates(member.tenant)
    return _phase_form_page(request, member, None)


@tenant_view(perm=Perm.MANAGE_SETTINGS)
@require_http_methods(["GET", "POST"])
def phase_template_edit(request, member, phase_template_id):
    template = access.access_phase_template(member, phase_template_id)
    return _phase_form_page(request, member, template)


@tenant_view(perm=Perm.MANAGE_SETTINGS)
@require_POST
def phase_template_delete(request, member, phase_template_id):
    template = access.access_phase_template(member, phase_template_id)
    try:
        actions.check_delete_phase_template(member, template)
        messages.success(request, f"Phase {template.name} removed from the template.")
    except ValidationError as e:
        messages.error(request, " ".join(_messages_of(e)))
    return redirect("process:cycle_settings", tenant_slug=member.tenant.slug)


@tenant_view(perm=Perm.MANAGE_SETTINGS)
@require_POST
def task_template_new(request, member, phase_template_id):
    template = access.access_phase_template(member, phase_template_id)
    form = forms.TaskTemplateForm(request.POST, tenant=member.tenant)
    errors: list[str] = []
    if form.is_valid():
        assignee_member, assignee_team = form.chosen_assignee()
        try:
            actions.check_add_task_template(
                member,
                template,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                due_offset_days=form.cleaned_data["due_offset_days"],
                assignee_member=assignee_member,
                assignee_team=assignee_team,
            )
        except ValidationError as e:
            errors = _messages_of(e)
        else:
            messages.success(request, f"Task added to {template.name}.")
            return redirect("process:cycle_settings", tenant_slug=member.tenant.slug)
    else:
        errors = [
            f"{form.fields[f].label or f if f in form.fields else 'Task'}: {' '.join(errs)}"
            for f, errs in form.errors.items()
        ]
    context = _settings_context(member, task_errors={template.pk: errors})
    return render(request, "process/cycle_settings.html", context, status=422)


@tenant_view(perm=Perm.MANAGE_SETTINGS)
@require_POST
def task_template_delete(request, member, task_template_id):
    task_template = access.access_task_template(member, task_template_id)
    actions.check_delete_task_template(member, task_template)
    messages.success(request, f"Task {task_template.title} removed from the template.")
    return redirect("process:cycle_settings", tenant_slug=member.tenant.slug)
