"""Audit verbs are closed vocabularies: one enum per app, every member labelled, nothing else written."""

import ast
from pathlib import Path

import pytest
from django.db import transaction
from django.utils.html import escape

from alerts.verbs import AlertsVerb
from feeds.models import Reaction
from feeds.verbs import FeedsVerb, reaction_verb
from planning.actions.versions import TRANSITIONS
from planning.imports import KINDS
from planning.verbs import PlanningVerb, load_verb, master_verb, transition_verb
from planning.views.master import MASTER_KINDS
from process.verbs import ProcessVerb
from sopsocial.audit import verbs
from sopsocial.audit.actions import record
from sopsocial.audit.models import AuditEvent
from sopsocial.audit.verbs import CoreVerb, UnknownVerbError, Verb
from sopsocial.subjects.actions import create_subject

APP_ENUMS = (CoreVerb, FeedsVerb, PlanningVerb, AlertsVerb, ProcessVerb)
ROOT = Path(__file__).resolve().parents[2]


def test_every_app_registers_its_verb_enum():
    assert set(verbs.registered()) == set(APP_ENUMS)


@pytest.mark.parametrize("enum", APP_ENUMS, ids=lambda e: e.__name__)
def test_every_verb_has_a_label_in_words(enum):
    for member in enum:
        assert isinstance(member.label, str) and member.label.strip(), member
        assert member.label != member.value, member
        assert verbs.label(member.value) == member.label


def test_verb_values_are_unique_across_apps():
    values = [member.value for enum in APP_ENUMS for member in enum]
    assert len(values) == len(set(values))


def test_registering_a_value_another_app_owns_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    class Stray(Verb):
        POST = ("feeds.post_create", "posted again")

    with pytest.raises(ImproperlyConfigured, match="feeds.post_create"):
        verbs.register(Stray)
    assert Stray not in verbs.registered()


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["custom.thing", "feeds.post_create", None], ids=["unknown", "raw", "none"])
def test_record_refuses_anything_but_a_registered_member(tenant, bad):
    with pytest.raises(UnknownVerbError), transaction.atomic():
        record(tenant=tenant, verb=bad)
    assert not AuditEvent.objects.filter(tenant=tenant).exists()


@pytest.mark.django_db
def test_record_refuses_a_member_of_an_unregistered_enum(tenant):
    class Unregistered(Verb):
        THING = ("custom.thing", "did a thing")

    with pytest.raises(UnknownVerbError), transaction.atomic():
        record(tenant=tenant, verb=Unregistered.THING)


@pytest.mark.django_db
def test_record_stores_the_plain_value(tenant):
    with transaction.atomic():
        event = record(tenant=tenant, verb=CoreVerb.PARTNER_CREATE)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert type(stored.verb) is str and stored.verb == "partner.create" == event.verb


# Verbs chosen at run time: every value the code can ask for is a member.


def test_every_version_transition_has_a_verb():
    assert {transition_verb(action).value for action in TRANSITIONS} == {
        f"planning.version_{action}" for action in TRANSITIONS
    }


def test_every_load_kind_has_a_verb():
    for kind in KINDS:
        expected = "planning.entries_load" if kind == "plan_entries" else f"planning.{kind}_load"
        verb = PlanningVerb.ENTRIES_LOAD if kind == "plan_entries" else load_verb(kind)
        assert verb.value == expected


def test_every_master_kind_has_its_create_and_update_verbs():
    for key, mk in MASTER_KINDS.items():
        assert master_verb(key, False).value == f"planning.{key}_update"
        if mk.creatable:
            assert master_verb(key, True).value == f"planning.{key}_create"


def test_every_reaction_has_a_verb_both_ways():
    for kind in Reaction.Kind.values:
        assert reaction_verb(kind, True).value == f"feeds.post_{kind}"
        assert reaction_verb(kind, False).value == f"feeds.post_{kind}_undo"


AUDIT_CALLS = {"record": "verb", "_audit": "verb", "_announce": "audit_verb"}  # function -> its verb


def _spells_a_string(expr):
    return any(
        isinstance(n, ast.JoinedStr) or (isinstance(n, ast.Constant) and isinstance(n.value, str))
        for n in ast.walk(expr)
    )


def _audit_calls_with_a_written_verb():
    """file:line of every audit call whose verb is (or is built from) a string literal or an f-string."""
    bad = []
    for package in ("config", "sopsocial", "planning", "feeds", "alerts", "bench"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                name = isinstance(node, ast.Call) and (
                    getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                )
                if name not in AUDIT_CALLS:
                    continue
                verb_args = [kw.value for kw in node.keywords if kw.arg == AUDIT_CALLS[name]]
                if name == "_audit":  # alerts.lifecycle._audit(member, alert, verb, before, after)
                    verb_args += node.args[2:3]
                if any(_spells_a_string(arg) for arg in verb_args):
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return bad


def test_no_audit_call_spells_its_verb_as_a_string():
    assert _audit_calls_with_a_written_verb() == []


# A trail reads in words: the label is shown, the raw verb only on hover (title) and for scripts.


@pytest.mark.django_db
@pytest.mark.parametrize(
    "verb",
    [CoreVerb.SUBJECT_SHARE, FeedsVerb.POST_CREATE, PlanningVerb.CELL_CHANGE, AlertsVerb.RAISE],
    ids=lambda v: type(v).__name__,
)
def test_a_trail_shows_the_label_never_the_raw_verb(client, planner_member, verb):
    subject = create_subject(tenant=planner_member.tenant, kind="topic", title="Leeds depot capacity")
    with transaction.atomic():
        record(tenant=subject.tenant, actor=planner_member.user, verb=verb, subject=subject)
    client.force_login(planner_member.user)
    html = client.get(subject.get_absolute_url()).content.decode()
    assert f'data-verb="{verb.value}">{escape(verb.label)}</span>' in html
    assert f">{verb.value}<" not in html
