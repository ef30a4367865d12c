# Live sessions: participants' room messages archived as posts (community.services.live_archive).
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("community", "0002_live_delivery")]

    operations = [
        migrations.AddField(
            model_name="post",
            name="live_message",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="archived_post",
                to="community.livemessage",
            ),
        ),
    ]
