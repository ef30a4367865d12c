# Theme curation that survives refreshes: a split is a rule (split_from and the posts the
# researcher moved or left), and memberships copied by a merge are marked so it can be undone.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("research", "0002_dashboard_summaries")]

    operations = [
        migrations.AddField(
            model_name="theme",
            name="split_from",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="splits",
                to="research.theme",
            ),
        ),
        migrations.AddField(
            model_name="theme",
            name="split_kept_post_ids",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="theme",
            name="split_post_ids",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="themepost",
            name="from_merge",
            field=models.BooleanField(db_default=False, default=False),
        ),
    ]
