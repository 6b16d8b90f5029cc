"""The statements written on every action, sent through the DB-API cursor of the
connection's transaction.

SQLAlchemy's execution of a Core statement (the compiled-cache lookup, parameter
processing, the result's set-up) costs more Python per statement than the driver and the
database together on this write path. :class:`Raw` compiles a Core statement once per
dialect (from the tables in :mod:`.schema`, the one definition of the schema), records the
order of its parameters and the bind processors of their types (``UTCDateTime`` and the
dialect's own), and sends it on the connection SQLAlchemy holds, in the same transaction
(and savepoint). :class:`RawInsert` does the same for a multi-row ``INSERT ... VALUES``
(one statement, never a driver executemany: psycopg runs those in pipeline mode).

What stays as with ``Connection.execute``:

- errors: a driver exception is raised as SQLAlchemy wraps it
  (:meth:`sqlalchemy.exc.DBAPIError.instance`: ``IntegrityError``, ``OperationalError``...,
  the driver's in ``.orig``), so ``store.errors.is_conflict`` and the callers' handlers see
  what they saw before; a value its type refuses (a naive instant) is a
  :class:`sqlalchemy.exc.StatementError`, as before;
- ``before_cursor_execute`` listeners of the connection or engine are called with the SQL
  and the parameters sent (statement counts, the bench's replay).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, exc, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

__all__ = ["Raw", "RawInsert"]

Processor = Callable[[Any], Any] | None

MAX_ROWS = 64
"""Rows per multi-row INSERT: statements are compiled per row count, so the counts are
bounded (and far below either backend's limit on parameters)."""


class _Compiled:
    """One statement for one dialect: its SQL, parameter names in order, their processors
    and the values of literal parameters (a constant in the statement)."""

    __slots__ = ("defaults", "names", "positional", "processors", "sql")

    def __init__(self, stmt: ClauseElement, dialect: Dialect,
                 column_keys: Sequence[str] | None) -> None:
        compiled = cast(SQLCompiler, stmt.compile(
            dialect=dialect, column_keys=None if column_keys is None else list(column_keys)))
        self.sql: str = compiled.string
        self.positional: bool = bool(dialect.positional)
        by_name = {name: bind for bind, name in compiled.bind_names.items()}
        names = list(compiled.positiontup or ()) if self.positional else list(by_name)
        self.names: tuple[str, ...] = tuple(names)
        self.processors: tuple[Processor, ...] = tuple(
            by_name[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names)
        self.defaults: dict[str, Any] = {
            name: bind.effective_value for name, bind in by_name.items() if not bind.required}

    def parameters(self, values: Mapping[str, Any]) -> Any:
        defaults = self.defaults
        try:
            out = [p(v) if p is not None else v for p, v in zip(
                self.processors,
                (values[n] if n in values else defaults[n] for n in self.names), strict=True)]
        except Exception as error:  # a value its type refuses (a naive instant): as SQLAlchemy
            raise exc.StatementError(f"({type(error).__module__}.{type(error).__qualname__}) "
                                     f"{error}", self.sql, None, error) from error
        return out if self.positional else dict(zip(self.names, out, strict=True))


def _cursor_execute(conn: Connection, sql: str, params: Any, many: bool = False) -> Any:
    """Send ``sql`` on ``conn``'s DB-API connection; the cursor (to read RETURNING rows or
    the rowcount), or the driver's error raised as SQLAlchemy raises it."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    listeners = conn.dispatch.before_cursor_execute
    if listeners:
        for listener in listeners:
            listener(conn, cursor, sql, params, None, many)
    try:
        if many:
            cursor.executemany(sql, params)
        else:
            cursor.execute(sql, params)
    except conn.dialect.loaded_dbapi.Error as error:
        cursor.close()
        raise exc.DBAPIError.instance(sql, params, error, conn.dialect.loaded_dbapi.Error,
                                      dialect=conn.dialect) from error
    return cursor


class Raw:
    """A Core statement (UPDATE, DELETE, a single-row INSERT) compiled once per dialect and
    sent through the DB-API cursor. ``column_keys``: for an INSERT or UPDATE, the columns
    the parameters set (every call sets the same ones)."""

    def __init__(self, stmt: ClauseElement, column_keys: Sequence[str] | None = None) -> None:
        self.stmt = stmt
        self.column_keys = None if column_keys is None else tuple(column_keys)
        self._by_dialect: dict[tuple[Any, ...], _Compiled] = {}

    def _for(self, dialect: Dialect) -> _Compiled:
        # by what the SQL depends on (not the dialect object: engines come and go)
        key = (type(dialect), dialect.paramstyle, dialect.server_version_info)
        found = self._by_dialect.get(key)
        if found is None:
            found = self._by_dialect[key] = _Compiled(self.stmt, dialect, self.column_keys)
        return found

    def execute(self, conn: Connection, values: Mapping[str, Any]) -> int:
        """Run with ``values``; the number of rows it changed."""
        compiled = self._for(conn.dialect)
        cursor = _cursor_execute(conn, compiled.sql, compiled.parameters(values))
        try:
            return int(cursor.rowcount)
        finally:
            cursor.close()

    def rows(self, conn: Connection, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run with ``values``; the rows it returns (RETURNING), as the driver gives them:
        for columns whose type converts nothing on the way out."""
        compiled = self._for(conn.dialect)
        cursor = _cursor_execute(conn, compiled.sql, compiled.parameters(values))
        try:
            return [tuple(r) for r in cursor.fetchall()]
        finally:
            cursor.close()

    def executemany(self, conn: Connection, values: Sequence[Mapping[str, Any]]) -> None:
        """Run once per item of ``values``: a driver executemany, as SQLAlchemy sends it,
        or for one item a plain execute (psycopg's executemany enters pipeline mode, a
        round trip more)."""
        if len(values) == 1:
            self.execute(conn, values[0])
            return
        if not values:
            return
        compiled = self._for(conn.dialect)
        cursor = _cursor_execute(conn, compiled.sql,
                                 [compiled.parameters(v) for v in values], many=True)
        cursor.close()


class RawInsert:
    """Rows of ``table`` (the ``columns`` given) as one multi-row INSERT per at most
    :data:`MAX_ROWS` rows, compiled once per dialect and row count."""

    def __init__(self, table: Table, columns: Sequence[str]) -> None:
        self.table = table
        self.columns = tuple(columns)
        self._by_count: dict[int, Raw] = {}

    def _for(self, count: int) -> Raw:
        found = self._by_count.get(count)
        if found is None:
            types = {name: self.table.c[name].type for name in self.columns}
            stmt = insert(self.table).values([
                {name: bindparam(f"{name}_{i}", type_=types[name]) for name in self.columns}
                for i in range(count)])
            found = self._by_count[count] = Raw(stmt)
        return found

    def execute(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert ``rows`` (each with every one of the columns)."""
        for start in range(0, len(rows), MAX_ROWS):
            chunk = rows[start:start + MAX_ROWS]
            self._for(len(chunk)).execute(conn, {
                f"{name}_{i}": row[name] for i, row in enumerate(chunk)
                for name in self.columns})
