# The fan-out writes one inbox row per follower: fewer indexes and commit-time key checks per row.
# See InboxEntry's docstring for why each goes.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

USER_INDEX = "feeds_inboxentry_user_id_bfb54578"


class Migration(migrations.Migration):

    dependencies = [
        ('feeds', '0004_auto_follow_help'),
        ('subjects', '0001_initial'),
        ('tenancy', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='inboxentry',
            name='reason_subject',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='subjects.subject'),
        ),
        migrations.AlterField(
            model_name='inboxentry',
            name='tenant',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.tenant'),
        ),
        # Only the index goes: AlterField would also drop and re-add the user's foreign key, which
        # re-validates every inbox row under a table lock.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='inboxentry',
                    name='user',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{USER_INDEX}"',
                    reverse_sql=f'CREATE INDEX "{USER_INDEX}" ON "feeds_inboxentry" ("user_id")',
                ),
            ],
        ),
    ]
