"""Task pages: the list, a new task (by hand, about a subject, from an alert, in a phase), a task with
its checklist, status, edit and hand-on; "away" with a stand-in; the tasks panel of subject pages.
Thin: parse a form, call an action or a selector, render (the partial when htmx asks)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from alerts.access import access_alert
from sopsocial.api.errors import add_form_errors
from sopsocial.audit.selectors import trail_for_subject
from sopsocial.pages.panels import panels_for
from sopsocial.pages.params import ascii_int
from sopsocial.subjects.access import access_subject
from sopsocial.tenancy.access import tenant_view
from sopsocial.tenancy.policy import Perm, can

from ..access import access_checklist_item, access_own_absence, access_task
from ..actions import absences as absence_actions
from ..actions import tasks as task_actions
from ..models import Absence, CyclePhase, TaskSource, TaskStatus
from ..selectors import TaskFilters, tasks_about, tasks_for
from ..standins import away_on
from ..task_forms import AbsenceForm, TaskEditForm, TaskForm, TransferForm

PAGE_SIZE = 50
STATUS_FILTERS = [("open", "Open"), *TaskStatus.choices, ("", "Any status")]


def _filters(request) -> TaskFilters:
    status = request.GET.get("status", "open")
    return TaskFilters(
        mine=request.GET.get("mine") == "1",
        assigned_by_me=request.GET.get("by_me") == "1",
        phase_id=ascii_int(request.GET.get("phase", "")),
        status=status if status in dict(STATUS_FILTERS) else "open",
        overdue=request.GET.get("overdue") == "1",
    )


@tenant_view
def task_list(request, member):
    """The tenant's tasks, filtered (mine incl. my teams, assigned by me, phase, status, overdue); pages
    of PAGE_SIZE by number. Internal only: partners reach the tasks assigned to them from their
    notifications and feed."""
    filters = _filters(request)
    page = ascii_int(request.GET.get("page", "1")) or 1
    start = (page - 1) * PAGE_SIZE
    rows = list(tasks_for(member, filters)[start : start + PAGE_SIZE + 1])
    team_ids = set(member.team_memberships.values_list("team_id", flat=True))
    for task in rows:  # which rows get Start/Done buttons
        task.can_work = task_actions.can_work_on(member, task, team_ids=team_ids)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "tasks": rows[:PAGE_SIZE],
        "filters": filters,
        "page": page,
        "has_next": len(rows) > PAGE_SIZE,
        "query": query.urlencode(),
        "statuses": STATUS_FILTERS,
        "phases": CyclePhase.objects.filter(tenant_id=member.tenant_id)
        .select_related("cycle__plan_cycle")
        .order_by("-cycle__starts_on", "position")[:30],
        "today": timezone.localdate(),
    }
    return render(request, "process/task_list.html", context)


def _prefill(member, request) -> dict:
    """What `?about=`, `?alert=` and `?phase=` put into a new task's form (each checked like a lookup)."""
    initial: dict = {}
    about = request.GET.get("about")
    if about:
        subject = access_subject(member, about)
        initial.update(about=subject.pk, about_subject=subject)
    alert_id = request.GET.get("alert")
    if alert_id:
        alert = access_alert(member, alert_id)
        initial.update(
            alert=alert.pk,
            about_alert=alert,
            title=f"Follow up: {alert.title}"[:200],
            description=alert.summary,
            about=alert.subject_id,
            about_subject=alert.subject,
        )
    phase_id = request.GET.get("phase")
    if phase_id:
        phase = CyclePhase.objects.filter(tenant_id=member.tenant_id, pk=ascii_int(phase_id)).first()
        if phase is None:
            raise Http404
        initial.update(phase=str(phase.pk), due_on=phase.due_on)
    return initial


@tenant_view
def task_new(request, member):
    """New task form; prefilled from what it is about (a subject, an alert) or its phase."""
    if request.method == "POST":
        form = TaskForm(request.POST, member=member)
        if form.is_valid():
            data = form.cleaned_data
            try:
                about = access_subject(member, data["about"]) if data.get("about") else None
                alert = access_alert(member, data["alert"]) if data.get("alert") else None
            except Http404:
                form.add_error(None, "What this task is about is no longer there.")
            else:
                person, team = data["assignee"]
                try:
                    task = task_actions.check_create_task(
                        member,
                        title=data["title"],
                        description=data["description"],
                        assignee_member=person,
                        assignee_team=team,
                        due_on=data["due_on"],
                        phase=data["phase"],
                        about=about or (alert.subject if alert else None),
                        about_alert=alert,
                        about_link=(alert.link if alert else "")[:500],
                        source=TaskSource.ALERT if alert else TaskSource.HAND,
                        checklist=form.checklist_lines(),
                    )
                except ValidationError as error:
                    add_form_errors(form, error)
                else:
                    messages.success(request, f"Task “{task.title}” created.")
                    return redirect(task.get_absolute_url())
        about_subject, about_alert = _posted_about(member, form)
        status = 400
    else:
        initial = _prefill(member, request)
        about_subject, about_alert = initial.pop("about_subject", None), initial.pop("about_alert", None)
        form = TaskForm(member=member, initial=initial)
        status = 200
    context = {"form": form, "about_subject": about_subject, "about_alert": about_alert}
    return render(request, "process/task_new.html", context, status=status)


def _posted_about(member, form):
    """What a refused new-task form was about, to show it again (nothing when it no longer resolves)."""
    data = getattr(form, "cleaned_data", {})
    subject = alert = None
    try:
        subject = access_subject(member, data["about"]) if data.get("about") else None
        alert = access_alert(member, data["alert"]) if data.get("alert") else None
    except Http404:
        pass
    return subject, alert


def _task_context(member, task) -> dict:
    internal = not member.is_external
    return {
        "task": task,
        "subject": task.subject,
        "checklist": list(task.checklist.select_related("done_by")),
        "can_work": task_actions.can_work_on(member, task),
        "statuses": TaskStatus.choices,
        "today": timezone.localdate(),
        # partners see the task itself; its conversation and trail stay internal
        "panels": panels_for(member, task.subject) if internal else [],
        "trail": trail_for_subject(task.subject) if can(member, Perm.VIEW_TRAIL) else [],
        "transfer_form": TransferForm(member=member) if internal else None,
    }


@tenant_view(allow_external=True)
def task_detail(request, member, task_id):
    """A task: what it is, its checklist, status buttons, edit and hand-on, what it is about, and (for
    staff) its conversation, follow button and trail."""
    task = access_task(member, task_id)
    return render(request, "process/task_detail.html", _task_context(member, task))


@tenant_view(allow_external=True)
@require_POST
def task_status(request, member, task_id):
    """CONTRACT (My work posts here): form field `status`; with htmx the task's row partial comes back
    (422 with the reason as text when refused), without it a redirect to the task."""
    task = access_task(member, task_id)
    try:
        task = task_actions.check_set_task_status(member, task, request.POST.get("status", ""))
    except ValidationError as error:
        return _refused(request, member, task, error, 422)
    except PermissionDenied as error:
        return _refused(request, member, task, error, 403)
    if request.htmx:
        task = access_task(member, task.pk)
        return render(
            request, "process/partials/_task_row.html", {"task": task, "today": timezone.localdate()}
        )
    messages.success(request, f"“{task.title}” is {task.get_status_display().lower()}.")
    return redirect(task.get_absolute_url())


def _refused(request, member, task, error, status):
    """The refusal: the row with the reason for htmx (422 whatever the cause, the status htmx swaps in,
    so the person sees why), else the 403 page or the task page with the reason."""
    text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    if request.htmx:
        return render(
            request,
            "process/partials/_task_row.html",
            {"task": task, "today": timezone.localdate(), "error": text},
            status=422,
        )
    if status == 403:
        return render(request, "403.html", {"reason": text}, status=403)
    messages.error(request, text)
    return redirect(task.get_absolute_url())


@tenant_view(allow_external=True)
@require_POST
def task_check(request, member, task_id, item_id):
    """Tick (`done=1`) or untick (`done=0`) a checklist item; with htmx the checklist comes back."""
    task = access_task(member, task_id)
    item = access_checklist_item(task, item_id)
    done = request.POST.get("done")
    if done not in ("0", "1"):
        return render(request, "400.html", {"reason": "done: send 1 (tick) or 0 (untick)."}, status=400)
    try:
        task_actions.check_set_checklist_item(member, task, item, done == "1")
    except PermissionDenied as error:
        return render(request, "403.html", {"reason": str(error)}, status=403)
    if request.htmx:
        context = _task_context(member, task)
        return render(request, "process/partials/_checklist.html", context)
    return redirect(task.get_absolute_url())


@tenant_view
def task_edit(request, member, task_id):
    task = access_task(member, task_id)
    if not task_actions.can_work_on(member, task):
        return render(
            request,
            "403.html",
            {"reason": "Only the task's assignee, its creator or a planner may change it."},
            status=403,
        )
    if request.method == "POST":
        form = TaskEditForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                task_actions.check_update_task(
                    member,
                    task,
                    title=data["title"],
                    description=data["description"],
                    due_on=data["due_on"],
                    add_checklist=form.checklist_lines(),
                )
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                messages.success(request, "Task saved.")
                return redirect(task.get_absolute_url())
        status = 400
    else:
        form = TaskEditForm(
            initial={"title": task.title, "description": task.description, "due_on": task.due_on}
        )
        status = 200
    return render(request, "process/task_edit.html", {"task": task, "form": form}, status=status)


@tenant_view
def task_transfer(request, member, task_id):
    """Hand the task to another person or team (a stand-in receives it while that person is away)."""
    task = access_task(member, task_id)
    form = TransferForm(request.POST or None, member=member)
    if request.method == "POST":
        if form.is_valid():
            person, team = form.cleaned_data["assignee"]
            try:
                task = task_actions.check_transfer_task(
                    member, task, to_member=person, to_team=team, note=form.cleaned_data["note"]
                )
            except ValidationError as error:
                add_form_errors(form, error)
            except PermissionDenied as error:
                return render(request, "403.html", {"reason": str(error)}, status=403)
            else:
                messages.success(request, f"Task handed to {task_actions.assignee_label(task)}.")
                return redirect(task.get_absolute_url())
        return render(request, "process/task_transfer.html", {"task": task, "form": form}, status=400)
    return render(request, "process/task_transfer.html", {"task": task, "form": form})


@tenant_view
def subject_tasks(request, member, subject_id):
    """The tasks panel of a subject page: open tasks about it and a "New task about this" link."""
    subject = access_subject(member, subject_id)
    context = {"subject": subject, "tasks": tasks_about(member, subject.pk), "today": timezone.localdate()}
    return render(request, "process/partials/_subject_tasks.html", context)


@tenant_view
def away(request, member):
    """Set your own absence (dates, stand-in, note) or end one. While you are away new tasks and
    approvals meant for you go to your stand-in; open tasks due then are handed over now."""
    today = timezone.localdate()
    form = AbsenceForm(request.POST or None, member=member)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                absence = absence_actions.check_set_absence(
                    member,
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    stand_in=data["stand_in"],
                    note=data["note"],
                )
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Away {absence.starts_on:%d %b} – {absence.ends_on:%d %b}; "
                    f"{absence.stand_in.display_name} stands in for you.",
                )
                return redirect("process:away", tenant_slug=member.tenant.slug)
        status = 400
    context = {
        "form": form,
        "current": away_on(member, today),
        "absences": Absence.objects.filter(member=member, ends_on__gte=today).select_related(
            "stand_in__user"
        ),
        "standing_in_for": Absence.objects.filter(stand_in=member, ends_on__gte=today).select_related(
            "member__user"
        ),
        "today": today,
    }
    return render(request, "process/away.html", context, status=status)


@tenant_view
@require_POST
def away_end(request, member, absence_id):
    absence = access_own_absence(member, absence_id)
    absence_actions.check_end_absence(member, absence)
    messages.success(request, "Welcome back: your absence is ended and your tasks are yours again.")
    return redirect("process:away", tenant_slug=member.tenant.slug)
