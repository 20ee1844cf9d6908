from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("trust", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="VerifiedState",
            fields=[
                ("dossier_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("mac", models.CharField(max_length=64)),
            ],
        ),
    ]
