"""Bulk mode of the history import (PostgreSQL): secondary indexes rebuilt once instead of maintained per row.

Inside the import's transaction, the non-unique indexes of the dossier and event tables (those that
back no constraint) are dropped before the first row is written and recreated, from their own
definitions (`pg_get_indexdef`), after the last one — before the transaction commits, so no other
session ever sees the tables without them (PostgreSQL DDL is transactional; a rolled-back import
restores them untouched). Unique indexes (primary keys, `code`, `idempotency_key`,
(dossier, seq)) and every constraint stay in place and are checked row by row as usual.

Foreign keys between the two tables (event → dossier, dossier → parent dossier) are dropped the
same way and added back with `ALTER TABLE … ADD CONSTRAINT` from their own definitions
(`pg_get_constraintdef`), which validates every row in one join instead of one deferred
trigger query per row; both tables are locked anyway. Foreign keys to other tables (units,
procedures, users) are left alone: dropping them would lock those tables too.

Trade-off: `DROP INDEX` takes an ACCESS EXCLUSIVE lock on both tables until the import commits, so
nothing else can read or write dossiers meanwhile, and the rebuild costs time in proportion to the
whole table, not to the import. Opt-in (`motcua dossiers import --bulk`): with the COPY already
overlapped with the per-line Python work, it measured no faster on 200,000 lines into an empty
table on the 2-core bench machine (docs/benchmarks.md); it may pay where PostgreSQL is the
bottleneck.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

SECONDARY_INDEXES_SQL = (
    "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
    "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique AND NOT i.indisprimary AND i.indisvalid "
    "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname"
)


# Foreign keys from one of the tables to one of the tables (both locked during a bulk import).
INTERNAL_FKS_SQL = (
    "SELECT k.conrelid::regclass::text, k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k "
    "WHERE k.contype = 'f' AND k.conrelid = ANY(%s::regclass[]) AND k.confrelid = ANY(%s::regclass[]) "
    "ORDER BY k.conrelid::regclass::text, k.conname"
)


class SecondaryIndexes:
    """Drop the tables' secondary indexes and mutual foreign keys now (`drop`), recreate them
    identically later (`restore`)."""

    def __init__(self, tables: list[str]) -> None:
        self.tables = tables
        self.saved: list[tuple[str, str]] = []
        self.fks: list[tuple[str, str, str]] = []

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(SECONDARY_INDEXES_SQL, [self.tables])
            self.saved = [(str(name), str(ddl)) for name, ddl in cursor.fetchall()]
            cursor.execute(INTERNAL_FKS_SQL, [self.tables, self.tables])
            self.fks = [(str(t), str(name), str(ddl)) for t, name, ddl in cursor.fetchall()]
            for table, name, _ in self.fks:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, _ in self.saved:
                cursor.execute(f'DROP INDEX "{name}"')

    def restore(self) -> None:
        if not self.saved and not self.fks:
            return
        with connection.cursor() as cursor:
            # CREATE INDEX refuses a table with pending (deferred) foreign-key checks: run them now.
            # Same checks, same failure (the import rolls back), only earlier than at commit.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for _, ddl in self.saved:
                cursor.execute(ddl)
            # Validates every existing row (one join), as the per-row checks would have.
            for table, name, ddl in self.fks:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {ddl}')
        self.saved, self.fks = [], []

    def names(self) -> list[str]:
        return [name for name, _ in self.saved]


def index_names(tables: list[str]) -> list[tuple[Any, ...]]:
    """(name, definition) of every index and constraint of the tables (tests compare them before and after)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = ANY(%s::regclass[]) UNION ALL "
            "SELECT k.conname, pg_get_constraintdef(k.oid) || ' ' || k.convalidated FROM pg_constraint k "
            "WHERE k.conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [tables, tables],
        )
        return list(cursor.fetchall())
