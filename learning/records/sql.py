"""The few SQL pieces of the records that differ between PostgreSQL and SQLite.

Production runs on PostgreSQL; the quick start (`make run`) on SQLite. Every other
statement of the roll-up and the report is one text for both.
"""

from collections.abc import Sequence
from datetime import datetime

from django.db import connection


def transaction_lock(cursor, name: str) -> None:
    """Serialise the transactions that take the lock `name` until they end.

    SQLite serialises every writing transaction already, so it needs no lock.
    """
    if connection.vendor == "postgresql":
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])


def json_number(column: str, key: str) -> str:
    """SQL: the number under `key` of a JSON column, 0 when missing or not a number."""
    if connection.vendor == "postgresql":
        return (
            f"CASE WHEN jsonb_typeof({column}->'{key}') = 'number' "
            f"THEN ({column}->>'{key}')::float ELSE 0 END"
        )
    return (
        f"CASE WHEN json_type({column}, '$.{key}') IN ('integer', 'real') "
        f"THEN CAST(json_extract({column}, '$.{key}') AS REAL) ELSE 0 END"
    )


def seconds_between(later: str, earlier: str) -> str:
    """SQL: the seconds from the timestamp `earlier` to the timestamp `later`."""
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM {later} - {earlier})"
    return f"(julianday({later}) - julianday({earlier})) * 86400"


def rows_per_row(
    alias: str, columns: tuple[str, ...], rows: list[tuple[str, ...]]
) -> tuple[str, dict[str, str]]:
    """Cross each row of a query with `rows`, SQL expressions that may read the row.

    Returns the join to add after the FROM table, and the SQL of each column.
    PostgreSQL: a LATERAL VALUES list. SQLite has no LATERAL: a constant table of
    positions, each column a CASE choosing the position's expression (about 1.5
    times slower on PostgreSQL, hence the two forms).
    """
    if connection.vendor == "postgresql":
        values = ", ".join("(" + ", ".join(row) + ")" for row in rows)
        join = f"CROSS JOIN LATERAL (VALUES {values}) {alias}({', '.join(columns)})"
        return join, {column: f"{alias}.{column}" for column in columns}
    positions = " UNION ALL ".join(
        f"SELECT {position} AS position" for position in range(len(rows))
    )
    chosen = {
        column: f"CASE {alias}.position "
        + " ".join(
            f"WHEN {position} THEN {row[index]}" for position, row in enumerate(rows)
        )
        + " END"
        for index, column in enumerate(columns)
    }
    return f"CROSS JOIN ({positions}) {alias}", chosen


def timestamp_param(value: datetime):
    """A timestamp parameter as the database stores it (SQLite: naive UTC text)."""
    return connection.ops.adapt_datetimefield_value(value)


def among(values: Sequence) -> tuple[str, list]:
    """SQL `IN (...)` for these values, and its parameters (never true when empty)."""
    if not values:
        return "IN (NULL)", []
    return "IN (" + ", ".join(["%s"] * len(values)) + ")", list(values)
