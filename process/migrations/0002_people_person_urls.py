"""People's pages are served by this app at /t/<slug>/people/<membership id>/: the person subjects the
core gave existing memberships (tenancy 0004) link there."""

from django.db import migrations


def link_person_pages(apps, schema_editor):
    Membership = apps.get_model("tenancy", "Membership")
    Subject = apps.get_model("subjects", "Subject")
    for m in Membership.objects.filter(subject__isnull=False).select_related("tenant"):
        Subject.objects.filter(pk=m.subject_id).update(url=f"/t/{m.tenant.slug}/people/{m.pk}/")


class Migration(migrations.Migration):
    dependencies = [
        ("process", "0001_initial"),
        ("tenancy", "0004_person_subjects"),
    ]

    operations = [migrations.RunPython(link_person_pages, migrations.RunPython.noop)]
