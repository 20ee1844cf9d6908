from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("backoffice", "0001_personal_data_read")]

    operations = [
        migrations.AddField(
            model_name="personaldataread",
            name="address",
            field=models.GenericIPAddressField(blank=True, null=True, verbose_name="địa chỉ truy cập"),
        ),
        migrations.AddField(
            model_name="personaldataread",
            name="path",
            field=models.CharField(blank=True, default="", max_length=300, verbose_name="đường dẫn"),
        ),
    ]
