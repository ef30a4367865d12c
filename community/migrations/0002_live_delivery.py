# Live delivery: a heartbeat on each open socket's row, so presence ignores (and a periodic sweep
# deletes) the rows of an ASGI process that died without closing its sockets.
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="liveconnection",
            name="seen_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddIndex(
            model_name="liveconnection",
            index=models.Index(fields=["seen_at"], name="live_connection_seen_at"),
        ),
    ]
