from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0005_restructure_unit_transferred")]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="head_seal",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
    ]
