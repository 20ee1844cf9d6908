"""Enable unaccent and pg_trgm on PostgreSQL (accent-insensitive and fuzzy search); no-op on SQLite."""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []
    operations = [UnaccentExtension(), TrigramExtension()]
