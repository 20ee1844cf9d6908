"""Append-only in the database: UPDATE and DELETE refused on the records the history relies on.

- events (`dossiers_dossierevent`), documents (`documents_document`) and the lift log
  (`trust_lift`): no UPDATE, no DELETE;
- step runs (`dossiers_steprun`): no DELETE; an UPDATE only closes an open run (sets
  `finished_at` / `outcome` where `finished_at` was NULL) and changes nothing else;
- dossiers (`dossiers_dossier`): no DELETE of a dossier that has events (their cached columns do
  change, and are checked by `motcua audit verify` against the events and the sealed head).

The guard is lifted only inside `motcua.trust.appendonly.lifted(reason)`, which records a row in
`trust_lift` first (migrations and restores that must rewrite history use it). PostgreSQL: the
transaction-local setting `motcua.append_only = 'lifted'`. SQLite: the connection function
`motcua_append_only_lifted()` that motcua registers on each of its connections (a connection
without it, such as the sqlite3 shell, cannot change these tables at all).

Self-contained on purpose (the SQL is here, not imported), so the migration means the same later.
The PostgreSQL function takes its mode from the trigger argument, not the table name, so the same
trigger works when created on a partitioned parent (row triggers cascade to partitions, PG ≥ 13).
"""

from django.db import migrations

MESSAGE = "append-only: %s of %s refused (motcua history is never rewritten; corrections are new events)"

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION motcua_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('motcua.append_only', true) = 'lifted' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    -- Fields are read through jsonb: PL/pgSQL does not short-circuit, and the tables differ.
    IF TG_OP = 'UPDATE' AND TG_ARGV[0] = 'close_only' THEN
        IF (to_jsonb(OLD) ->> 'finished_at') IS NULL
           AND (to_jsonb(NEW) - 'finished_at' - 'outcome') = (to_jsonb(OLD) - 'finished_at' - 'outcome') THEN
            RETURN NEW;
        END IF;
    END IF;
    IF TG_OP = 'DELETE' AND TG_ARGV[0] = 'with_events' THEN
        IF (to_jsonb(OLD) ->> 'event_count')::bigint = 0 THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'append-only: % of % refused (motcua history is never rewritten; corrections are new events)',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'P0001';
END
$$;
"""

# (table, operations, mode): mode `history` refuses every UPDATE/DELETE; `close_only` lets an
# UPDATE close an open step run; `with_events` refuses deleting a row whose `event_count` > 0.
GUARDED = [
    ("dossiers_dossierevent", "UPDATE OR DELETE", "history"),
    ("documents_document", "UPDATE OR DELETE", "history"),
    ("trust_lift", "UPDATE OR DELETE", "history"),
    ("dossiers_steprun", "UPDATE OR DELETE", "close_only"),
    ("dossiers_dossier", "DELETE", "with_events"),
]


def pg_forward() -> list[str]:
    out = [PG_FUNCTION]
    for table, ops, mode in GUARDED:
        out.append(f"DROP TRIGGER IF EXISTS trust_append_only ON {table}")
        out.append(
            f"CREATE TRIGGER trust_append_only BEFORE {ops} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION motcua_append_only('{mode}')"
        )
    return out


def pg_backward() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS trust_append_only ON {t}" for t, _, _ in GUARDED] + [
        "DROP FUNCTION IF EXISTS motcua_append_only()"
    ]


STEPRUN_UNCHANGED = " AND ".join(
    f"NEW.{c} IS OLD.{c}"
    for c in ("id", "dossier_id", "step_id", '"order"', "name", "unit_id", "role", "assignee_id", "started_at")
    + ("due_at", "event_seq")
)


def sqlite_forward() -> list[str]:
    out = []
    for table, ops, mode in GUARDED:
        for op in ops.split(" OR "):
            when = "motcua_append_only_lifted() = 0"
            if op == "UPDATE" and mode == "close_only":
                when += f" AND NOT (OLD.finished_at IS NULL AND {STEPRUN_UNCHANGED})"
            if mode == "with_events":
                when += " AND OLD.event_count > 0"
            message = (MESSAGE % (op, table)).replace("'", "''")
            out.append(
                f"CREATE TRIGGER IF NOT EXISTS trust_no_{op.lower()}_{table} BEFORE {op} ON {table} "
                f"WHEN {when} BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
    return out


def sqlite_backward() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS trust_no_{op.lower()}_{t}" for t, ops, _ in GUARDED for op in ops.split(" OR ")
    ]


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    statements = pg_forward() if vendor == "postgresql" else sqlite_forward() if vendor == "sqlite" else []
    for sql in statements:
        schema_editor.execute(sql, None)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    statements = pg_backward() if vendor == "postgresql" else sqlite_backward() if vendor == "sqlite" else []
    for sql in statements:
        schema_editor.execute(sql, None)


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0005_trust_head_seal"),
        ("documents", "0001_initial"),
        ("trust", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
