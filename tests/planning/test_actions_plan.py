"""Version workflow, cell saves (decision log, audit, outbox, notes) and their refusals."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from planning import actions
from planning.cells import CellObjects
from planning.models import CellNote, EvaluationRequest, PlanChange, PlanEntry, PlanType, VersionStatus
from planning.outbox import EvaluationScope
from sopsocial.audit.models import AuditEvent

from ..factories import MembershipFactory
from . import factories as pf

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
    b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\xa1\xba\x9c\xa4\x00\x00\x00\x00IEND"
    b"\xaeB`\x82"
)


@pytest.fixture
def cell(tenant):
    product = pf.ProductFactory(tenant=tenant, name="Oat Crunch 500g")
    customer = pf.CustomerFactory(tenant=tenant, name="Contoso Retail")
    facility = pf.FacilityFactory(tenant=tenant, name="Leeds depot")
    version = pf.make_version(tenant, cells=[(product, customer, facility, 3, 1200)])
    week = version.start_week + dt.timedelta(weeks=3)
    return version, product, customer, facility, week


def _save(member, cell, value, revision=1, **kw):
    version, product, customer, facility, week = cell
    at = CellObjects(product, customer, facility)
    return actions.check_set_cell(member, version, at.cell(week), at, value=value, revision=revision, **kw)


def test_cell_save_writes_change_audit_and_outbox_and_queues_evaluation(
    planner_member, cell, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        entry, change = _save(planner_member, cell, "4,800")
    assert entry.qty == Decimal("4800") and entry.revision == 2
    assert (change.old_qty, change.new_qty, change.changed_by) == (
        Decimal(1200),
        Decimal(4800),
        planner_member.user,
    )
    event = AuditEvent.objects.filter(verb="planning.cell_change").get()
    assert event.before == {"qty": 1200.0} and event.after == {"qty": 4800.0}
    assert event.subject_id == cell[0].subject_id
    request = EvaluationRequest.objects.get()
    assert EvaluationScope.from_json(request.scope) == EvaluationScope(
        product_ids=(cell[1].pk,), customer_ids=(cell[2].pk,), facility_ids=(cell[3].pk,)
    )
    assert len(callbacks) == 1


def test_note_with_the_change_becomes_a_post_tagged_with_product_customer_and_facility(planner_member, cell):
    png = SimpleUploadedFile("analysis.png", PNG, content_type="image/png")
    _save(planner_member, cell, "4800", reason="Confirmed by Contoso's buyer", files=[png])
    note = CellNote.objects.select_related("post").get()
    version, product, customer, facility, week = cell
    assert (note.version, note.product, note.customer, note.facility, note.week) == (
        version,
        product,
        customer,
        facility,
        week,
    )
    assert note.post.subject_id == version.subject_id
    tagged = set(note.post.placements.values_list("subject_id", flat=True))
    assert {product.subject_id, customer.subject_id, facility.subject_id} <= tagged
    assert note.post.attachments.count() == 1
    assert PlanChange.objects.get().reason == "Confirmed by Contoso's buyer"


def test_second_planner_with_a_stale_cell_is_refused_with_the_current_value(tenant, planner_member, cell):
    other = MembershipFactory(tenant=tenant, role="planner")
    _save(planner_member, cell, "4800", revision=1)
    with pytest.raises(actions.StaleCell) as refused:
        _save(other, cell, "1500", revision=1)  # saw revision 1 too
    assert refused.value.qty == Decimal(4800)
    assert PlanEntry.objects.get(version=cell[0]).qty == Decimal(4800)
    assert PlanChange.objects.count() == 1


def test_two_first_saves_of_an_empty_cell_do_not_both_win(tenant, planner_member, cell):
    version, product, customer, facility, _week = cell
    week = version.start_week
    at = CellObjects(product, customer, facility)
    actions.check_set_cell(planner_member, version, at.cell(week), at, value="10", revision=0)
    with pytest.raises(actions.StaleCell):
        actions.check_set_cell(planner_member, version, at.cell(week), at, value="20", revision=0)
    assert PlanEntry.objects.get(version=version, week=week).qty == 10


@pytest.mark.parametrize("value", ["-5", "abc", "", "1e400", "NaN", "1.234"])
def test_negative_or_non_numeric_values_are_refused_and_nothing_is_written(planner_member, cell, value):
    with pytest.raises(ValidationError) as refused:
        _save(planner_member, cell, value)
    assert "qty" in refused.value.message_dict
    assert PlanChange.objects.count() == 0 and EvaluationRequest.objects.count() == 0
    assert PlanEntry.objects.get(version=cell[0]).qty == 1200


def test_week_outside_the_version_is_refused(planner_member, cell):
    version, product, customer, facility, _ = cell
    with pytest.raises(ValidationError) as refused:
        at = CellObjects(product, customer, facility)
        actions.check_set_cell(
            planner_member,
            version,
            at.cell(version.start_week - dt.timedelta(weeks=1)),
            at,
            value="1",
            revision=0,
        )
    assert "week" in refused.value.message_dict


@pytest.mark.parametrize("role", ["viewer", "executive"])
def test_viewers_and_executives_cannot_edit_cells(tenant, cell, role):
    member = MembershipFactory(tenant=tenant, role=role)
    with pytest.raises(PermissionDenied):
        _save(member, cell, "5")


def test_published_version_is_frozen(tenant, planner_member, cell):
    version = cell[0]
    version.status = VersionStatus.PUBLISHED
    version.save()
    with pytest.raises(ValidationError) as refused:
        _save(planner_member, cell, "5")
    assert "version" in refused.value.message_dict
    with pytest.raises(ValidationError):
        actions.do_replace_entries(tenant=tenant, version=version, rows=[])


def test_workflow_draft_submitted_approved_published_supersedes_the_previous(tenant, planner_member):
    executive = MembershipFactory(tenant=tenant, role="executive")
    old = pf.make_version(tenant, status=VersionStatus.PUBLISHED)
    new = pf.make_version(tenant, based_on=old)
    actions.check_transition(planner_member, new, "submit")
    actions.check_transition(executive, new, "approve")
    new = actions.check_transition(planner_member, new, "publish")
    old.refresh_from_db()
    assert (new.status, old.status) == (VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED)
    assert new.published_by == planner_member.user and new.approved_by == executive.user
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="planning.version_").values_list("verb", flat=True)
    )
    assert verbs[-4:] == [
        "planning.version_submit",
        "planning.version_approve",
        "planning.version_supersede",  # the old version's change of status has its own event
        "planning.version_publish",
    ]
    assert EvaluationRequest.objects.filter(reason="version publish").exists()


@pytest.mark.parametrize(
    ("role", "action", "status"),
    [
        ("viewer", "submit", "draft"),
        ("executive", "submit", "draft"),
        ("viewer", "approve", "submitted"),
        ("executive", "publish", "approved"),
        ("viewer", "publish", "approved"),
    ],
)
def test_workflow_permissions_by_role(tenant, role, action, status):
    member = MembershipFactory(tenant=tenant, role=role)
    version = pf.make_version(tenant, status=status)
    with pytest.raises(PermissionDenied):
        actions.check_transition(member, version, action)
    version.refresh_from_db()
    assert version.status == status


@pytest.mark.parametrize(
    ("status", "action"), [("draft", "publish"), ("draft", "approve"), ("published", "submit")]
)
def test_workflow_refuses_skipping_steps(tenant, admin_member, status, action):
    version = pf.make_version(tenant, status=status)
    with pytest.raises(ValidationError):
        actions.check_transition(admin_member, version, action)


def test_external_partner_user_cannot_act(tenant):
    partner_member = MembershipFactory(tenant=tenant, role="admin", partner=pf_partner(tenant))
    with pytest.raises(PermissionDenied):
        actions.check_transition(partner_member, pf.make_version(tenant), "submit")


def pf_partner(tenant):
    from ..factories import PartnerFactory

    return PartnerFactory(tenant=tenant)


def test_new_draft_from_published_copies_cells_from_this_week_on(tenant, planner_member):
    product, customer, facility = (
        pf.ProductFactory(tenant=tenant),
        pf.CustomerFactory(tenant=tenant),
        pf.FacilityFactory(tenant=tenant),
    )
    start = pf.MONDAY - dt.timedelta(weeks=2)
    published = pf.make_version(
        tenant,
        status=VersionStatus.PUBLISHED,
        start=start,
        cells=[(product, customer, facility, w, 100 + w) for w in range(26)],
    )
    draft = actions.check_new_draft_from(planner_member, published, today=pf.MONDAY + dt.timedelta(days=2))
    assert draft.status == VersionStatus.DRAFT and draft.based_on == published
    assert draft.start_week == pf.MONDAY and draft.subject.parents.get() == published.plan.subject
    weeks = list(draft.entries.order_by("week").values_list("week", "qty"))
    assert weeks[0] == (pf.MONDAY, 102) and len(weeks) == 24


def test_plan_subjects_one_per_plan_type_and_versions_hang_below(tenant):
    plans = actions.ensure_plans(tenant)
    assert plans == actions.ensure_plans(tenant)
    assert plans[PlanType.SUPPLY].subject.title == "Supply plan"
    version = pf.make_version(tenant, PlanType.SUPPLY)
    assert list(version.subject.parents.all()) == [plans[PlanType.SUPPLY].subject]


def test_publication_is_a_feed_item_on_the_version_tagged_with_the_few_changed_products(
    tenant, admin_member, planner_member, cell
):
    from feeds.models import FeedItem

    version, product = cell[0], cell[1]
    _save(planner_member, cell, "4800")
    for step in ("submit", "approve", "publish"):
        actions.check_transition(admin_member, version, step)
    item = FeedItem.objects.filter(subject=version.subject, verb="plan publish").get()
    assert product.subject_id in set(item.placements.values_list("subject_id", flat=True))


def test_publishing_audits_the_superseded_version(tenant, admin_member):
    old = pf.make_version(tenant, status=VersionStatus.PUBLISHED)
    new = pf.make_version(tenant, status=VersionStatus.APPROVED, based_on=old)
    actions.check_transition(admin_member, new, "publish")
    old.refresh_from_db()
    assert old.status == VersionStatus.SUPERSEDED
    event = AuditEvent.objects.get(verb="planning.version_supersede")
    assert event.subject_id == old.subject_id and event.actor == admin_member.user
    assert event.before == {"status": "published"} and event.after["status"] == "superseded"
