from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("research", "0004_domain_lexicon")]

    operations = [
        # The dashboard's data stamp: the newest analysis of a community, read from the index's end.
        migrations.AddIndex(
            model_name="postanalysis",
            index=models.Index(fields=["community", "analysed_at"], name="research_po_communi_ccb5c9_idx"),
        ),
    ]
