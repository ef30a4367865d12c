"""Per-post summary columns for the dashboard, filled for the analyses already stored.

The fill copies the rule of `research.models.summary_columns` as it stood when this migration was
written (a migration must not change meaning when the model code moves on).
"""

from django.db import migrations, models

DIMENSIONS = (
    "trust",
    "value",
    "quality",
    "service",
    "privacy",
    "personalization",
    "understanding_me",
    "consistency",
)
POLARITIES = ("positive", "negative", "neutral")
SEPARATOR = "\n"
BATCH = 2000


def _summary(dimensions, mentions):
    strongest = {}
    for signal in dimensions or []:
        dimension, polarity = signal.get("dimension"), signal.get("polarity")
        if dimension not in DIMENSIONS or polarity not in POLARITIES:
            continue
        strength = abs(float(signal.get("score") or 0.0))
        if dimension not in strongest or strength > strongest[dimension][0]:
            strongest[dimension] = (strength, polarity)
    columns = {f"{d}_polarity": strongest[d][1] if d in strongest else "" for d in DIMENSIONS}
    brands = sorted(
        {
            m.get("brand")
            for m in mentions or []
            if isinstance(m.get("brand"), str) and m.get("brand") and SEPARATOR not in m.get("brand")
        }
    )
    columns["mentioned_brands"] = SEPARATOR + SEPARATOR.join(brands) + SEPARATOR if brands else ""
    return columns


def fill_summaries(apps, schema_editor):
    PostAnalysis = apps.get_model("research", "PostAnalysis")
    fields = [*(f"{d}_polarity" for d in DIMENSIONS), "mentioned_brands"]
    rows = PostAnalysis.objects.order_by("pk").values_list("pk", "dimensions", "mentions")
    batch = []
    for pk, dimensions, mentions in rows.iterator(chunk_size=BATCH):
        batch.append(PostAnalysis(pk=pk, **_summary(dimensions, mentions)))
        if len(batch) >= BATCH:
            PostAnalysis.objects.bulk_update(batch, fields)
            batch = []
    if batch:
        PostAnalysis.objects.bulk_update(batch, fields)


def _polarity_field():
    return models.CharField(blank=True, max_length=10)


class Migration(migrations.Migration):
    dependencies = [("research", "0001_initial")]

    operations = [
        *(
            migrations.AddField(model_name="postanalysis", name=f"{d}_polarity", field=_polarity_field())
            for d in DIMENSIONS
        ),
        migrations.AddField(
            model_name="postanalysis", name="mentioned_brands", field=models.TextField(blank=True)
        ),
        # Nothing to undo backwards: the columns go with the fields.
        migrations.RunPython(fill_summaries, migrations.RunPython.noop),
    ]
