# One learned lexicon of evaluative words per community (research.analysis.domain_polarity).

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0001_initial"),
        ("research", "0003_theme_curation"),
    ]

    operations = [
        migrations.CreateModel(
            name="DomainLexiconRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("words", models.JSONField(default=dict)),
                ("fingerprint", models.CharField(max_length=12)),
                ("learned_from", models.PositiveIntegerField(default=0)),
                ("sample_digest", models.CharField(max_length=64)),
                ("newest_post_id", models.PositiveBigIntegerField(default=0)),
                ("learned_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "community",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="domain_lexicon",
                        to="community.community",
                    ),
                ),
            ],
        ),
    ]
