"""The audit trail is hash-chained per tenant, append-only, and `audit_verify` finds tampering."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from planning.verbs import PlanningVerb
from sopsocial.audit.actions import record
from sopsocial.audit.chain import GENESIS_HASH, hash_of, verify_tenant
from sopsocial.audit.models import AppendOnlyError, AuditEvent
from sopsocial.audit.verbs import CoreVerb

from ..factories import TenantFactory


def _write(tenant, n=3, **extra):
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(
                record(
                    tenant=tenant, verb=CoreVerb.PARTNER_CREATE, target=f"thing {i}", after={"n": i}, **extra
                )
            )
    return events


@pytest.mark.django_db
def test_events_chain_per_tenant_from_genesis(tenant, other_tenant):
    first, second = _write(tenant, 2)
    other = _write(other_tenant, 1)[0]
    assert (first.seq, second.seq, other.seq) == (1, 2, 1)
    assert first.prev_hash == GENESIS_HASH and other.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert verify_tenant(tenant).ok and verify_tenant(tenant).checked == 2


@pytest.mark.django_db
def test_hash_survives_the_database_round_trip(tenant):
    event = _write(tenant, 1, before={"qty": 1.5, "b": [1, "x"]}, subject=None)[0]
    stored = AuditEvent.objects.get(pk=event.pk)
    assert hash_of(stored) == stored.hash


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_run_outside_a_transaction(tenant):
    with pytest.raises(RuntimeError, match="inside the action's transaction"):
        record(tenant=tenant, verb=CoreVerb.PARTNER_CREATE)


@pytest.mark.django_db
def test_event_rolls_back_with_the_change_it_describes(tenant):
    with pytest.raises(ValueError), transaction.atomic():
        record(tenant=tenant, verb=CoreVerb.PARTNER_CREATE)
        raise ValueError("the action failed after auditing")
    assert not AuditEvent.objects.filter(tenant=tenant).exists()


@pytest.mark.django_db
def test_orm_refuses_update_and_delete(tenant):
    event = _write(tenant, 1)[0]
    event.verb = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(tenant=tenant).update(verb="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(tenant=tenant).delete()


@pytest.mark.django_db
def test_the_applications_connection_cannot_modify_audit_rows_in_sql(tenant):
    """Raw SQL on the application's own connection is refused by the database itself."""
    _write(tenant, 2)
    statements = ["UPDATE audit_auditevent SET verb = 'x'", "DELETE FROM audit_auditevent"]
    if connection.vendor == "postgresql":
        statements.append("TRUNCATE audit_auditevent CASCADE")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fire the deferred FK checks of the rows written above
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for sql in statements:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEvent.objects.filter(tenant=tenant).count() == 2
    assert verify_tenant(tenant).ok


def _tamper(sql, params):
    """What someone with the table owner's rights does from psql, on a connection of their own: switch the
    guard off, change a row, switch it back on, commit."""
    import psycopg

    db = connection.settings_dict
    with psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"],
        port=db["PORT"] or None,
    ) as owner:
        owner.execute("SET CONSTRAINTS ALL IMMEDIATE")  # check foreign keys now, not at the ENABLE below
        owner.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_refuse_update_delete")
        owner.execute(sql, params)
        owner.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_refuse_update_delete")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_audit_verify_names_a_row_altered_directly_in_postgres(tenant, capsys):
    events = _write(tenant, 5)
    call_command("audit_verify", tenant=tenant.slug)
    assert "5 events, chain intact" in capsys.readouterr().out

    _tamper("UPDATE audit_auditevent SET after = %s WHERE id = %s", ['{"n": 999}', events[2].pk])
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify", tenant=tenant.slug)
    assert failure.value.returncode == 2
    err = capsys.readouterr().err
    assert f"seq=3 id={events[2].pk}" in err and "altered" in err


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_audit_verify_names_the_gap_left_by_a_deleted_row(tenant, capsys):
    events = _write(tenant, 4)
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    with pytest.raises(CommandError):
        call_command("audit_verify", tenant=tenant.slug)
    assert f"seq=3 id={events[2].pk}" in capsys.readouterr().err


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_rehashing_a_tampered_row_still_breaks_the_next_link(tenant):
    """Recomputing the altered row's own hash is not enough: the next event points at the old hash."""
    events = _write(tenant, 3)
    stored = AuditEvent.objects.get(pk=events[1].pk)
    stored.after = {"n": 42}
    _tamper(
        "UPDATE audit_auditevent SET after = %s, hash = %s WHERE id = %s",
        ['{"n": 42}', hash_of(stored), stored.pk],
    )
    result = verify_tenant(tenant)
    assert not result.ok and result.bad_seq == 3 and "prev_hash" in result.problem


def test_audit_verify_rejects_an_unknown_tenant(db):
    with pytest.raises(CommandError, match="no tenant with slug 'nope'"):
        call_command("audit_verify", tenant="nope")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain():
    """The advisory lock serialises writers of one tenant: no forks, no duplicate seq."""
    tenant = TenantFactory(slug="busy")
    errors = []

    def writer():
        try:
            for _ in range(15):
                with transaction.atomic():
                    record(tenant=tenant, verb=CoreVerb.PARTNER_CREATE)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AuditEvent.objects.filter(tenant=tenant).count() == 60
    result = verify_tenant(tenant)
    assert result.ok and result.checked == 60


@pytest.mark.django_db
def test_unique_seq_is_the_backstop_against_forks(tenant):
    event = _write(tenant, 1)[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent(
            tenant=tenant,
            seq=event.seq,
            actor_label="x",
            verb="fork",
            at=event.at,
            prev_hash=GENESIS_HASH,
            hash="0",
        ).save(force_insert=True)


@pytest.mark.django_db
def test_related_subjects_are_linked_hashed_and_shown_in_each_trail(tenant):
    from sopsocial.audit.models import AuditEventSubject
    from sopsocial.audit.selectors import trail_for_subject
    from sopsocial.subjects.actions import create_subject

    version = create_subject(tenant=tenant, kind="plan_version", title="Demand plan v2")
    oat = create_subject(tenant=tenant, kind="product", title="Oat Crunch 500g")
    contoso = create_subject(tenant=tenant, kind="customer", title="Contoso Retail")
    with transaction.atomic():
        event = record(
            tenant=tenant,
            verb=PlanningVerb.CELL_CHANGE,
            subject=version,
            related=[oat, contoso],
            before={"qty": 1200},
            after={"qty": 4800},
        )
    assert set(AuditEventSubject.objects.filter(event=event).values_list("subject_id", flat=True)) == {
        oat.pk,
        contoso.pk,
    }
    assert (
        [e.pk for e in trail_for_subject(contoso)] == [event.pk] == [e.pk for e in trail_for_subject(version)]
    )
    assert hash_of(event) == event.hash and verify_tenant(tenant).ok
    with pytest.raises(AppendOnlyError):
        AuditEventSubject.objects.filter(event=event).delete()


@pytest.mark.django_db
def test_related_subjects_of_another_tenant_are_refused(tenant, other_tenant):
    from sopsocial.subjects.actions import create_subject

    foreign = create_subject(tenant=other_tenant, kind="customer", title="Theirs")
    with pytest.raises(ValueError, match="related subjects belong"), transaction.atomic():
        record(tenant=tenant, verb=CoreVerb.SUBJECT_SHARE, related=[foreign])


@pytest.mark.django_db
def test_related_subjects_given_as_a_generator_are_checked_and_linked(tenant, other_tenant):
    # record() reads `related` twice (the ids to link, then the tenant check): a generator used to be spent
    # by the first read, so a foreign subject was linked to this tenant's event unchecked.
    from sopsocial.audit.models import AuditEventSubject
    from sopsocial.subjects.actions import create_subject

    foreign = create_subject(tenant=other_tenant, kind="customer", title="Theirs")
    with pytest.raises(ValueError, match="related subjects belong"), transaction.atomic():
        record(tenant=tenant, verb=CoreVerb.SUBJECT_SHARE, related=(s for s in [foreign]))
    oat = create_subject(tenant=tenant, kind="product", title="Oat Crunch 500g")
    with transaction.atomic():
        event = record(tenant=tenant, verb=PlanningVerb.CELL_CHANGE, related=(s for s in [oat]))
    assert list(AuditEventSubject.objects.filter(event=event).values_list("subject_id", flat=True)) == [
        oat.pk
    ]
    assert hash_of(event) == event.hash


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_removing_a_related_link_directly_in_postgres_is_caught(tenant):
    from sopsocial.subjects.actions import create_subject

    oat = create_subject(tenant=tenant, kind="product", title="Oat Crunch 500g")
    with transaction.atomic():
        event = record(tenant=tenant, verb=PlanningVerb.CELL_CHANGE, related=[oat])
    import psycopg

    db = connection.settings_dict
    with psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"],
        port=db["PORT"] or None,
    ) as owner:
        owner.execute("ALTER TABLE audit_auditeventsubject DISABLE TRIGGER audit_link_refuse_update_delete")
        owner.execute("DELETE FROM audit_auditeventsubject WHERE event_id = %s", [event.pk])
        owner.execute("ALTER TABLE audit_auditeventsubject ENABLE TRIGGER audit_link_refuse_update_delete")
    result = verify_tenant(tenant)
    assert not result.ok and result.bad_id == event.pk and "related subjects" in result.problem
