"""Time partitioning of the big append-mostly tables (PostgreSQL only; SQLite keeps plain tables).

The dossier event log and the two rollup tables are natively partitioned by range of time, one
partition per local calendar year (`<table>_y2026`), plus a default partition (`<table>_default`)
for rows outside every yearly range. Queries do not change: PostgreSQL prunes partitions by the
time column and the reports, the audit and the ORM see one table.

- `convert(cursor, table, column)` turns a plain table into a partitioned one in place (used by the
  migrations `dossiers.0005_scale_partitions` and `analytics.0004_scale_partitions`; keep it
  backward compatible). The primary key becomes `(id, column)` and every unique constraint gains the
  column (PostgreSQL requires the partition key in them); `id` keeps its sequence; checks, foreign
  keys and indexes are recreated under their names, so Django's later migrations still find them.
- `ensure(years_ahead=2)` creates the missing yearly partitions up to `years_ahead` years after the
  current one; `motcua migrate` (post_migrate) and `motcua worker` (hourly) call it, so a new year
  never starts without its partition.

The event table's `(dossier_id, seq)` uniqueness becomes `(dossier_id, seq, at)`: the row lock on
the dossier (every append goes through `kernel.append` under it) and the hash chain (`audit verify`
finds any duplicate or gap in a dossier's sequence) keep one event per sequence number.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from motcua import config

# table → time column. The first yearly partition; older rows land in the default partition.
TABLES = {
    "dossiers_dossierevent": "at",
    "analytics_dailyrollup": "day",
    "analytics_monthlyrollup": "day",
}
FIRST_YEAR = 2000
YEARS_AHEAD = 2


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def is_partitioned(cursor: Any, table: str) -> bool:
    cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [table])
    row = cursor.fetchone()
    return bool(row and row[0] == "p")


def _bound(cursor: Any, table: str, column: str, year: int) -> str:
    """The SQL literal of 1 January `year` for the column's type (local midnight for a timestamp)."""
    cursor.execute(
        "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attname = %s",
        [table, column],
    )
    kind = cursor.fetchone()[0]
    if kind == "date":
        return f"'{year:04d}-01-01'"
    offset = config.utc_offset()
    sign = "+" if offset.total_seconds() >= 0 else "-"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"'{year:04d}-01-01 00:00:00{sign}{minutes // 60:02d}:{minutes % 60:02d}'"


def partition_name(table: str, year: int) -> str:
    return f"{table}_y{year}"


def create_year(cursor: Any, table: str, column: str, year: int) -> bool:
    """Create `table`'s partition for `year` if missing; True when created."""
    name = partition_name(table, year)
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
    if cursor.fetchone()[0]:
        return False
    lo, hi = _bound(cursor, table, column, year), _bound(cursor, table, column, year + 1)
    cursor.execute(f"CREATE TABLE {_q(name)} PARTITION OF {_q(table)} FOR VALUES FROM ({lo}) TO ({hi})")
    return True


def convert(
    cursor: Any, table: str, column: str, *, first_year: int = FIRST_YEAR, last_year: int | None = None
) -> None:
    """Turn the plain `table` into one partitioned by year of `column`, keeping its rows and names."""
    if is_partitioned(cursor, table):
        return
    last_year = last_year or date.today().year + YEARS_AHEAD
    old = f"{table}__plain"
    cursor.execute(
        "SELECT conname FROM pg_constraint WHERE confrelid = to_regclass(%s) AND contype = 'f'",
        [table],
    )
    if referencing := [r[0] for r in cursor.fetchall()]:
        raise RuntimeError(f"{table} is referenced by foreign keys {referencing}; cannot partition it")
    # What to recreate: constraints (primary key, unique, foreign keys; checks come with LIKE) and the
    # other indexes, by name.
    cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = to_regclass(%s) AND contype IN ('p', 'u', 'f') ORDER BY contype, conname",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = to_regclass(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY i.relname",
        [table],
    )
    indexes = cursor.fetchall()
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    (sequence,) = cursor.fetchone()
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {_q(table)}")
    (max_id,) = cursor.fetchone()
    last_value = max_id
    if sequence:
        cursor.execute(f"SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {sequence}")
        last_value = max(max_id, cursor.fetchone()[0])

    cursor.execute(f"ALTER TABLE {_q(table)} RENAME TO {_q(old)}")
    for name, kind, _ in constraints:
        if kind in ("p", "u"):  # their indexes' names are needed by the new table
            cursor.execute(f"ALTER TABLE {_q(old)} DROP CONSTRAINT {_q(name)}")
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {_q(name)}")
    cursor.execute("SELECT attidentity FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attname = 'id'", [old])
    if (cursor.fetchone() or [""])[0]:
        cursor.execute(f"ALTER TABLE {_q(old)} ALTER COLUMN id DROP IDENTITY")  # drops its sequence
    elif sequence:
        cursor.execute(f"ALTER TABLE {_q(old)} ALTER COLUMN id DROP DEFAULT")
        cursor.execute(f"DROP SEQUENCE {sequence}")

    cursor.execute(
        f"CREATE TABLE {_q(table)} (LIKE {_q(old)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE) "
        f"PARTITION BY RANGE ({_q(column)})"
    )
    seq_name = f"{table}_id_seq"
    cursor.execute(f"CREATE SEQUENCE {_q(seq_name)} AS bigint OWNED BY {_q(table)}.id")
    cursor.execute(f"ALTER TABLE {_q(table)} ALTER COLUMN id SET DEFAULT nextval('{seq_name}'::regclass)")
    if last_value:
        cursor.execute("SELECT setval(%s::regclass, %s)", [seq_name, last_value])
    for year in range(first_year, last_year + 1):
        create_year(cursor, table, column, year)
    cursor.execute(f"CREATE TABLE {_q(table + '_default')} PARTITION OF {_q(table)} DEFAULT")

    for name, kind, definition in constraints:
        if kind in ("p", "u"):
            cols = definition[definition.index("(") + 1 : definition.index(")")]
            names = [c.strip() for c in cols.split(",")]
            if column not in [n.strip('"') for n in names]:
                names.append(column)
            keyword = "PRIMARY KEY" if kind == "p" else "UNIQUE"
            cursor.execute(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {keyword} ({', '.join(names)})")
        else:
            cursor.execute(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {definition}")
    for _name, definition in indexes:
        cursor.execute(
            definition.replace(f" ON public.{old} ", f" ON public.{table} ").replace(f" ON {old} ", f" ON {table} ")
        )

    cursor.execute(f"INSERT INTO {_q(table)} SELECT * FROM {_q(old)}")
    cursor.execute(f"DROP TABLE {_q(old)}")


def ensure(years_ahead: int = YEARS_AHEAD, today: date | None = None, using: str = "default") -> list[str]:
    """Create the missing yearly partitions up to `years_ahead` after this year; the names created."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    year = (today or date.today()).year
    created = []
    with connection.cursor() as cursor:
        for table, column in TABLES.items():
            if not is_partitioned(cursor, table):
                continue
            for y in range(year, year + years_ahead + 1):
                if create_year(cursor, table, column, y):
                    created.append(partition_name(table, y))
    return created


def partitions(table: str, using: str = "default") -> list[str]:
    """Names of `table`'s partitions (empty when it is not partitioned)."""
    from django.db import connections

    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(%s) ORDER BY c.relname",
            [table],
        )
        return [r[0] for r in cursor.fetchall()]
