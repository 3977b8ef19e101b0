"""Every membership gets its person subject (kind "person"), titled with the person's display name; a
partner user's is shared with their partner. The url of the person's page is filled in by the app that
serves it (process 0002)."""

from django.db import migrations


def give_person_subjects(apps, schema_editor):
    Membership = apps.get_model("tenancy", "Membership")
    Subject = apps.get_model("subjects", "Subject")
    SubjectShare = apps.get_model("subjects", "SubjectShare")
    for m in Membership.objects.filter(subject__isnull=True).select_related("user"):
        title = (f"{m.user.first_name} {m.user.last_name}".strip() or m.user.username)[:300]
        subject = Subject.objects.create(tenant_id=m.tenant_id, kind="person", title=title)
        m.subject = subject
        m.save(update_fields=["subject"])
        if m.partner_id is not None:
            SubjectShare.objects.get_or_create(tenant_id=m.tenant_id, subject=subject, partner_id=m.partner_id)


def take_person_subjects_away(apps, schema_editor):
    Membership = apps.get_model("tenancy", "Membership")
    Subject = apps.get_model("subjects", "Subject")
    ids = list(Membership.objects.filter(subject__isnull=False).values_list("subject_id", flat=True))
    Membership.objects.update(subject=None)
    Subject.objects.filter(pk__in=ids, kind="person").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("subjects", "0003_subject_kinds_process"),
        ("tenancy", "0003_teams_person_subject"),
    ]

    operations = [migrations.RunPython(give_person_subjects, take_person_subjects_away)]
