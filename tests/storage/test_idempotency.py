"""Idempotency keys commit with the write they guard (every backend), so a crash
leaves a key completed or absent, never stranded "in progress"."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from ecommerce_agent.domain.tickets import IssueType
from ecommerce_agent.errors import ConflictError
from ecommerce_agent.storage import NewTicket, open_sqlite
from ecommerce_agent.storage.base import Repository
from ecommerce_agent.storage.schema import idempotency_keys
from ecommerce_agent.storage.sql import SqlRepository
from tests.support.factories import user

NOW = datetime.now(UTC).replace(microsecond=0)
TTL, LEASE = timedelta(hours=24), timedelta(seconds=10)


def _claim(repo: Repository, key: str, user_id: str = "U1", fingerprint: str = "fp", now: datetime = NOW):
    return repo.claim_idempotency(user_id, key, "POST /tickets", fingerprint, now=now, ttl=TTL, lease=LEASE)


def _ticket(repo: Repository, text: str = "문의") -> str:
    return repo.create_ticket(NewTicket(user_id="U1", issue_type=IssueType.INQUIRY, description=text),
                              now=NOW).ticket_id


@pytest.fixture
def shop(repo: Repository) -> Repository:
    repo.add_user(user("U1"))
    repo.add_user(user("U2"))
    return repo


def test_claim_run_complete_then_replay(shop: Repository) -> None:
    with shop.atomic(eager=True):
        assert _claim(shop, "k") is None
        ticket = _ticket(shop)
        shop.complete_idempotency("U1", "k", 201, f'{{"ticket_id": "{ticket}"}}')
    with shop.atomic(eager=True):
        done = _claim(shop, "k")
    assert (done.status_code, done.body, done.fingerprint) == (201, f'{{"ticket_id": "{ticket}"}}', "fp")
    with shop.atomic(eager=True):
        assert _claim(shop, "k", user_id="U2") is None  # keys are per user
    with shop.atomic(eager=True):  # forgotten after the ttl
        assert _claim(shop, "k", now=NOW + TTL + timedelta(seconds=1)) is None


def test_a_failed_unit_leaves_neither_the_key_nor_its_write(shop: Repository) -> None:
    before = shop.counts()["tickets"]
    with pytest.raises(RuntimeError), shop.atomic(eager=True):
        assert _claim(shop, "k") is None
        _ticket(shop)
        raise RuntimeError("the request failed after writing")
    with shop.atomic(eager=True):
        assert _claim(shop, "k") is None  # absent: the retry runs
    if shop.backend != "csv":  # files have no transactions (documented)
        assert shop.counts()["tickets"] == before


def test_racing_requests_with_one_key_write_once_and_replay(shop: Repository) -> None:
    barrier, results = threading.Barrier(4), []

    def request() -> None:
        barrier.wait()
        with shop.atomic(eager=True):
            earlier = _claim(shop, "race")
            if earlier is None:
                time.sleep(0.2)  # the first request is slow: the others must wait for it, not run
                ticket = _ticket(shop, "경합")
                shop.complete_idempotency("U1", "race", 201, ticket)
            results.append("ran" if earlier is None else (earlier.status_code, earlier.body))

    threads = [threading.Thread(target=request) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ran = [r for r in results if r == "ran"]
    replays = [r for r in results if r != "ran"]
    assert len(ran) == 1 and len(replays) == 3 and all(r[0] == 201 for r in replays)
    assert len({r[1] for r in replays}) == 1
    assert sum(1 for t in shop.list_tickets("U1", limit=100) if t.description == "경합") == 1


def test_sql_claims_only_inside_a_unit(tmp_path: Path) -> None:
    repo = open_sqlite(tmp_path / "s.db")
    try:
        with pytest.raises(RuntimeError, match="atomic"):
            _claim(repo, "k")
    finally:
        repo.close()


def test_an_abandoned_in_progress_row_is_taken_over_after_the_lease(tmp_path: Path) -> None:
    """Rows left "in progress" by the old scheme (claim committed on its own) stranded a
    key for 24 hours; now a claim older than the lease is taken over."""
    repo = open_sqlite(tmp_path / "s.db")
    try:
        with repo.engine.begin() as conn:
            for key, age in (("old", LEASE + timedelta(seconds=1)), ("young", timedelta(seconds=1))):
                conn.execute(idempotency_keys.insert().values(user_id="U1", key=key, endpoint="POST /tickets",
                                                              fingerprint="fp", created_at=NOW - age))
        with repo.atomic(eager=True):
            assert _claim(repo, "old") is None
            assert _claim(repo, "young").status_code is None
    finally:
        repo.close()


def test_postgres_retry_waits_at_most_the_lease_for_a_running_request(postgres_repo: SqlRepository) -> None:
    holding, release = threading.Event(), threading.Event()

    def first() -> None:
        with pytest.raises(TimeoutError), postgres_repo.atomic(eager=True):
            assert _claim(postgres_repo, "slow") is None
            holding.set()
            release.wait(30)
            raise TimeoutError("the first request fails")

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert holding.wait(30)
        started = time.monotonic()
        with pytest.raises(ConflictError) as refused, postgres_repo.atomic(eager=True):
            postgres_repo.claim_idempotency("U1", "slow", "POST /tickets", "fp", now=NOW, ttl=TTL,
                                            lease=timedelta(seconds=0.5))
        assert refused.value.code == "idempotency_in_progress"
        assert 0.4 <= time.monotonic() - started < 10
    finally:
        release.set()
        thread.join()
    with postgres_repo.atomic(eager=True):  # the first one failed: absent
        assert _claim(postgres_repo, "slow") is None


CRASHING_CHILD = """
import os, signal, sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from ecommerce_agent.domain.tickets import IssueType
from ecommerce_agent.storage import NewTicket, open_sqlite
repo = open_sqlite(Path(sys.argv[1]))
now = datetime.now(UTC)
with repo.atomic(eager=True):
    assert repo.claim_idempotency("U1", sys.argv[2], "POST /tickets", "fp", now=now,
                                  ttl=timedelta(hours=24), lease=timedelta(seconds=10)) is None
    repo.create_ticket(NewTicket(user_id="U1", issue_type=IssueType.INQUIRY, description="충돌"), now=now)
    if sys.argv[3] == "before-commit":
        os.kill(os.getpid(), signal.SIGKILL)  # kill -9 between the claim and its completion
    repo.complete_idempotency("U1", sys.argv[2], 201, "done")
os.kill(os.getpid(), signal.SIGKILL)  # kill -9 right after the commit
"""


@pytest.mark.parametrize("moment", ["before-commit", "after-commit"])
def test_kill_9_leaves_the_key_absent_or_completed(moment: str, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    repo = open_sqlite(db)
    repo.add_user(user("U1"))
    child = subprocess.run([sys.executable, "-c", CRASHING_CHILD, str(db), "key", moment], timeout=120,
                           capture_output=True, text=True)
    assert child.returncode == -9, child.stderr
    with repo.engine.connect() as conn:
        tickets = conn.execute(sa.text("SELECT count(*) FROM tickets WHERE description = '충돌'")).scalar()
    with repo.atomic(eager=True):
        earlier = _claim(repo, "key")
    repo.close()
    if moment == "before-commit":  # absent, and so is its write: the retry runs
        assert earlier is None and tickets == 0
    else:  # completed, and so is its write: the retry replays
        assert earlier is not None and earlier.status_code == 201 and tickets == 1
