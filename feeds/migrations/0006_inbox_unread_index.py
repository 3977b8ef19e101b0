# The unread badges count a user's unread inbox rows on every home page and live push.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('feeds', '0005_inbox_lighter_fan_out'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='inboxentry',
            index=models.Index(condition=models.Q(('unread', True)), fields=['user', 'tenant'], name='inbox_unread'),
        ),
    ]
