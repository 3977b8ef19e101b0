from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sopsocial.subjects.access import access_subject
from sopsocial.tenancy.access import access_membership, tenant_view
from sopsocial.tenancy.policy import Perm, can

from . import actions, lifecycle
from .access import access_alert, access_rule
from .evaluation.runner import preview_rule
from .forms import ResolveForm, RuleForm, SnoozeForm
from .kinds import KIND_CHOICES, KINDS
from .models import AlertStatus, Severity
from .scope import describe_scope, describe_scopes
from .selectors import alerts_for, rules_for

PAGE_SIZE = 50


def _list_filters(request):
    return {
        "status": request.GET.get("status", "live"),
        "severity": request.GET.get("severity") or None,
        "kind": request.GET.get("kind") or None,
        "mine": request.GET.get("mine") == "1",
    }


@tenant_view
def alert_list(request, member):
    """The tenant's alerts: internal (a partner user gets 404, and sees the partner-visible alerts of
    what is shared with them on those subjects' pages and in their feed)."""
    filters = _list_filters(request)
    alerts = list(alerts_for(member, **filters)[:PAGE_SIZE])
    context = {
        "alerts": alerts,
        "filters": filters,
        "statuses": AlertStatus.choices,
        "severities": Severity.choices,
        "kinds": KIND_CHOICES,
    }
    return render(request, "alerts/alert_list.html", context)


@tenant_view(allow_external=True)
def subject_alerts(request, member, subject_id):
    """The alerts concerning one subject, as a fragment for subject pages."""
    subject = access_subject(member, subject_id)
    alerts = list(alerts_for(member, status=request.GET.get("status", "live"), subject_ids=[subject.pk])[:20])
    return render(request, "alerts/partials/_subject_alerts.html", {"alerts": alerts, "subject": subject})


@tenant_view(allow_external=True)
def alert_detail(request, member, alert_id):
    alert = access_alert(member, alert_id)
    subjects = alert.subjects.order_by("kind", "title")
    if member.is_external:  # a partner sees only the subjects shared with their organisation
        subjects = subjects.filter(shares__partner_id=member.partner_id)
    context = {
        "alert": alert,
        "subjects": subjects,
        "resolve_form": ResolveForm(),
        "snooze_form": SnoozeForm(),
        "people": lifecycle.assignable_members(member),
        "can_act": can(member, Perm.ACT_ON_ALERTS),
    }
    return render(request, "alerts/alert_detail.html", context)


def _lifecycle(request, member, alert_id, act):
    """Act on an alert, then back to its page; with htmx (a row acted on in place, e.g. on My work):
    204 when done, 422 with the refusal as text, 403 when the member may not."""
    alert = access_alert(member, alert_id)
    try:
        act(alert)
    except ValidationError as error:
        if request.htmx:
            return HttpResponse("; ".join(error.messages), status=422, content_type="text/plain")
        messages.error(request, "; ".join(error.messages))
    except PermissionDenied as error:
        if request.htmx:
            return HttpResponse(str(error), status=403, content_type="text/plain")
        messages.error(request, str(error))
        return render(request, "403.html", {"reason": str(error)}, status=403)
    else:
        if request.htmx:
            return HttpResponse(status=204)
    return redirect("alerts:alert", tenant_slug=member.tenant.slug, alert_id=alert.pk)


@tenant_view
@require_POST
def alert_acknowledge(request, member, alert_id):
    return _lifecycle(request, member, alert_id, lambda a: lifecycle.do_acknowledge_alert(member, a))


@tenant_view
@require_POST
def alert_snooze(request, member, alert_id):
    form = SnoozeForm(request.POST)

    def act(alert):
        if not form.is_valid():
            raise ValidationError("Choose a date to snooze until.")
        lifecycle.do_snooze_alert(member, alert, form.cleaned_data["until"])

    return _lifecycle(request, member, alert_id, act)


@tenant_view
@require_POST
def alert_assign(request, member, alert_id):
    def act(alert):
        owner_id = request.POST.get("owner", "")
        owner = access_membership(member, owner_id) if owner_id else None
        lifecycle.do_assign_alert(member, alert, owner)

    return _lifecycle(request, member, alert_id, act)


@tenant_view
@require_POST
def alert_resolve(request, member, alert_id):
    form = ResolveForm(request.POST)

    def act(alert):
        note = form.data.get("note", "")
        ProhibitNullCharactersValidator()(note)  # the note is free text, read unvalidated (may be blank)
        lifecycle.do_resolve_alert(member, alert, note)

    return _lifecycle(request, member, alert_id, act)


@tenant_view(perm=Perm.MANAGE_RULES)
def rule_list(request, member):
    rules = list(rules_for(member.tenant))
    scopes = describe_scopes(rules)
    rules = [(rule, scopes[rule.pk]) for rule in rules]
    return render(request, "alerts/rule_list.html", {"rules": rules, "kinds": KINDS})


def _rule_form_page(request, member, rule=None):
    form = RuleForm(request.POST or None, tenant=member.tenant, rule=rule)
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            values = form.values()
            if "preview" in request.POST:
                preview = preview_rule(member, rule=rule, **actions.clean_rule(member, rule=rule, **values))
            elif rule is None:
                rule = actions.check_create_rule(member, **values)
                messages.success(
                    request, f"Rule “{rule.name}” saved. It is evaluated now and on every plan change."
                )
                return redirect("alerts:rules", tenant_slug=member.tenant.slug)
            else:
                actions.check_update_rule(member, rule, **values)
                messages.success(request, f"Rule “{rule.name}” saved.")
                return redirect("alerts:rules", tenant_slug=member.tenant.slug)
        except ValidationError as error:
            form.add_action_errors(error)
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "rule": rule, "preview": preview, "kind_spec": KINDS[form.kind]}
    return render(request, "alerts/rule_form.html", context, status=status)


@tenant_view(perm=Perm.MANAGE_RULES)
def rule_new(request, member):
    return _rule_form_page(request, member)


@tenant_view(perm=Perm.MANAGE_RULES)
def rule_edit(request, member, rule_id):
    return _rule_form_page(request, member, access_rule(member, rule_id))


@tenant_view(perm=Perm.MANAGE_RULES)
def rule_params(request, member):
    """The parameter fields of a kind, swapped in by htmx when the kind changes."""
    form = RuleForm(tenant=member.tenant, kind=request.GET.get("kind"))
    return render(request, "alerts/partials/_rule_params.html", {"form": form, "kind_spec": KINDS[form.kind]})


@tenant_view
def rule_detail(request, member, rule_id):
    rule = access_rule(member, rule_id)
    alerts = list(alerts_for(member, status="").filter(rule=rule)[:PAGE_SIZE])
    return render(
        request,
        "alerts/rule_detail.html",
        {"rule": rule, "alerts": alerts, "scope": describe_scope(rule), "kind_spec": rule.kind_spec},
    )


@tenant_view(perm=Perm.MANAGE_RULES)
@require_POST
def rule_toggle(request, member, rule_id):
    rule = access_rule(member, rule_id)
    rule = actions.do_set_rule_enabled(member, rule, not rule.enabled)
    messages.success(request, f"Rule “{rule.name}” is {'on' if rule.enabled else 'off'}.")
    return redirect("alerts:rules", tenant_slug=member.tenant.slug)


@tenant_view(perm=Perm.MANAGE_RULES)
@require_POST
def rule_delete(request, member, rule_id):
    rule = access_rule(member, rule_id)
    actions.do_delete_rule(member, rule)
    messages.success(request, f"Rule “{rule.name}” deleted; its open alerts were resolved.")
    return redirect("alerts:rules", tenant_slug=member.tenant.slug)
