"""Partition dossiers_dossierevent by year of `at` (PostgreSQL only; SQLite keeps plain tables).

See `motcua.core.partitions`: the primary key becomes (id, at), unique constraints gain `at`,
names of constraints and indexes stay. The reverse keeps the partitioned table (it behaves the same).
"""

from django.db import migrations

TABLES = ('dossiers_dossierevent',)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from motcua.core import partitions

    with schema_editor.connection.cursor() as cursor:
        for table in TABLES:
            partitions.convert(cursor, table, "at")


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0004_imported_may_lack_returned_at")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=False)]
