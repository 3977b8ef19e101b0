"""My work lists the cycle phases a person runs (in person or through a team) while they are open, and
their owner closes one from there: back on My work when its criteria are met, told which are not."""

import datetime as dt

import pytest
from django.urls import reverse

from process.models import PhaseStatus, TaskStatus
from process.selectors import my_work, my_work_count
from sopsocial.audit.models import AuditEvent
from sopsocial.tenancy.models import Team, TeamMembership

from ..factories import MembershipFactory
from .factories import make_cycle, make_phase, make_task

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 10)


@pytest.fixture
def priya(db):
    return MembershipFactory(role="planner", user__username="priya", user__first_name="Priya")


def _phases(priya):
    cycle = make_cycle(priya.tenant, month=dt.date(2026, 12, 1))
    team = Team.objects.create(tenant=priya.tenant, name="Supply planning", handle="supply-planning")
    TeamMembership.objects.create(tenant=priya.tenant, team=team, member=priya)
    mine = make_phase(
        cycle,
        key="supply-review",
        name="Supply review",
        days=(5, 12),
        owner_member=priya,
        criteria=["phase_tasks_done"],
    )
    teams = make_phase(cycle, key="pre-sop", name="Pre-S&OP", position=3, days=(8, 8), owner_team=team)
    later = make_phase(
        cycle, key="exec", name="Executive S&OP", position=4, days=(20, 24), owner_member=priya
    )
    done = make_phase(cycle, key="data", name="Data gathering", position=1, days=(0, 4), owner_member=priya)
    done.status = PhaseStatus.DONE
    done.save(update_fields=["status"])
    someone_elses = make_phase(cycle, key="demand", name="Demand review", days=(2, 6), position=2)
    return mine, teams, later, done, someone_elses


def test_the_phases_i_run_that_are_open_show_with_the_late_ones_flagged(priya):
    mine, teams, *_ = _phases(priya)
    work = my_work(priya, today=TODAY)
    assert [(row.phase, row.late, row.via_team) for row in work.phases] == [
        (teams, True, True),
        (mine, False, False),
    ]
    assert my_work_count(priya, today=TODAY) == 2


def test_the_owner_closes_a_phase_from_my_work_and_comes_back_to_it(priya, client, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
    mine, *_ = _phases(priya)
    client.force_login(priya.user)
    url = reverse(
        "process:phase_close",
        kwargs={"tenant_slug": priya.tenant.slug, "cycle_id": mine.cycle_id, "phase_id": mine.pk},
    )
    page = client.get(reverse("process:my_work", kwargs={"tenant_slug": priya.tenant.slug})).content.decode()
    assert f'id="my-phase-{mine.pk}"' in page and url in page

    task = make_task(priya.tenant, title="Confirm Leeds capacity", phase=mine, assignee_member=priya)
    refused = client.post(url, {"back": "my_work"})
    assert refused.status_code == 422 and "task" in refused.content.decode()
    mine.refresh_from_db()
    assert mine.status != PhaseStatus.DONE

    task.status = TaskStatus.DONE
    task.save(update_fields=["status"])
    response = client.post(url, {"back": "my_work"})
    assert response.status_code == 302 and response["Location"].endswith("/my-work/")
    mine.refresh_from_db()
    assert mine.status == PhaseStatus.DONE
    assert AuditEvent.objects.filter(verb="phase.close", subject=mine.subject).exists()
