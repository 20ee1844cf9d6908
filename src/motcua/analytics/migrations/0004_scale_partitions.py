"""Partition analytics_dailyrollup and analytics_monthlyrollup by year of `day` (PostgreSQL only; SQLite keeps plain tables).

See `motcua.core.partitions`: the primary key becomes (id, day), unique constraints gain `day`,
names of constraints and indexes stay. The reverse keeps the partitioned table (it behaves the same).
"""

from django.db import migrations

TABLES = ('analytics_dailyrollup', 'analytics_monthlyrollup')


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from motcua.core import partitions

    with schema_editor.connection.cursor() as cursor:
        for table in TABLES:
            partitions.convert(cursor, table, "day")


class Migration(migrations.Migration):
    dependencies = [("analytics", "0003_rollup_key_day_first")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=False)]
