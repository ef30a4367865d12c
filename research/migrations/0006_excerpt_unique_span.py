from django.db import migrations, models


def drop_repeated_excerpts(apps, schema_editor):
    """Before the constraint: of one coder's excerpts repeating the same post, code, start and end,
    keep the first one coded (lowest id) and drop the repeats, which only counted the passage
    twice. Another coder's excerpt of the same passage is kept."""
    CodedExcerpt = apps.get_model("research", "CodedExcerpt")
    repeats: list[int] = []
    previous = None
    rows = CodedExcerpt.objects.order_by("post_id", "code_id", "start", "end", "coder_id", "pk").values_list(
        "pk", "post_id", "code_id", "start", "end", "coder_id"
    )
    for pk, *span in rows.iterator(chunk_size=2000):
        # A coder left unknown (None) is nobody in particular: such rows are never repeats.
        if span == previous and span[-1] is not None:
            repeats.append(pk)
        previous = span
    for i in range(0, len(repeats), 500):
        CodedExcerpt.objects.filter(pk__in=repeats[i : i + 500]).delete()


class Migration(migrations.Migration):
    dependencies = [("research", "0005_dashboard_speed")]

    operations = [
        migrations.RunPython(drop_repeated_excerpts, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="codedexcerpt",
            constraint=models.UniqueConstraint(
                fields=("post", "code", "start", "end", "coder"), name="excerpt_unique_span"
            ),
        ),
    ]
