"""Append-only in the database for the inspections history: the event table and the progress reports
(with their evidence) refuse UPDATE and DELETE, like the dossier history (`dossiers.0006`).

PostgreSQL reuses `motcua_append_only('history')` created by `dossiers.0006_trust_append_only`;
SQLite asks the connection function `motcua_append_only_lifted()` (registered by `trust`). The guard
is lifted only inside `motcua.trust.appendonly.lifted(reason)`. Self-contained SQL on purpose.
"""

from django.db import migrations

TABLES = ["inspections_event", "inspections_progressreport"]
MESSAGE = "append-only: %s of %s refused (motcua history is never rewritten; corrections are new events)"


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS trust_append_only ON {table}", None)
            schema_editor.execute(
                f"CREATE TRIGGER trust_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION motcua_append_only('history')",
                None,
            )
        elif vendor == "sqlite":
            for op in ("UPDATE", "DELETE"):
                message = (MESSAGE % (op, table)).replace("'", "''")
                schema_editor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS trust_no_{op.lower()}_{table} BEFORE {op} ON {table} "
                    f"WHEN motcua_append_only_lifted() = 0 BEGIN SELECT RAISE(ABORT, '{message}'); END",
                    None,
                )


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS trust_append_only ON {table}", None)
        elif vendor == "sqlite":
            for op in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS trust_no_{op}_{table}", None)


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0001_initial"),
        ("dossiers", "0006_trust_append_only"),
    ]

    operations = [migrations.RunPython(forward, backward)]
