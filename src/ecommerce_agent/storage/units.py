"""Units of work: several repository calls in ONE database transaction.

``SqlRepository.atomic()`` opens a unit for the calling thread (a context
variable, so concurrent requests each have their own). Inside it every write
joins the unit's transaction (as a savepoint, so a write that fails undoes only
itself) and every read sees the unit's own uncommitted writes. The unit commits
when the block ends and rolls back when it raises: either all its writes happen
or none does, also across a crash (the database never commits half of it).

Two uses: an Idempotency-Key is recorded in the same transaction as the write
it guards (``api.idempotency``), and a chat turn's action commits together with
the turn's save (``agent.runner``), so a turn that loses a race undoes its action.

A *lazy* unit starts its transaction at the first write (on SQLite that takes
the write lock), so a turn that only reads holds no lock; an *eager* one starts
it at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from contextvars import ContextVar

from sqlalchemy.engine import Connection, Engine, RootTransaction


class Unit:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.conn: Connection | None = None
        self._tx: RootTransaction | None = None

    @property
    def started(self) -> bool:
        return self.conn is not None

    def connection(self) -> Connection:
        """The unit's connection, its transaction begun (``BEGIN IMMEDIATE`` on SQLite)."""
        if self.conn is None:
            conn = self.engine.connect()
            conn.execution_options(sqlite_begin="IMMEDIATE")
            try:
                self._tx = conn.begin()
            except BaseException:
                conn.close()
                raise
            self.conn = conn
        return self.conn

    def commit(self) -> None:
        if self.conn is not None and self._tx is not None:
            self._tx.commit()
        self.close()

    def close(self) -> None:
        """Roll back whatever was not committed, and give the connection back."""
        if self.conn is not None:
            with suppress(Exception):  # a dead connection cannot roll back; the server already did
                if self._tx is not None and self._tx.is_active:
                    self._tx.rollback()
            with suppress(Exception):
                self.conn.close()
        self.conn, self._tx = None, None


_current: ContextVar[Unit | None] = ContextVar("storage_unit", default=None)


def current(engine: Engine) -> Unit | None:
    """The calling thread's open unit on ``engine``, if any."""
    unit = _current.get()
    return unit if unit is not None and unit.engine is engine else None


@contextmanager
def unit_of_work(engine: Engine, translate: Callable[[], AbstractContextManager[None]], *,
                 eager: bool) -> Iterator[None]:
    if current(engine) is not None:  # nested: the outer unit decides
        yield
        return
    unit = Unit(engine)
    token = _current.set(unit)
    try:
        if eager:
            with translate():
                unit.connection()
        yield
        with translate():
            unit.commit()
    finally:
        unit.close()
        _current.reset(token)
