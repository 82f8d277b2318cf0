"""Demo accounts never serve in production (issue #15, finding 4): production
refuses to start while they exist, naming `ecommerce-agent purge-demo`, which
removes them with their data in one transaction; `seed` refuses in production."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from ecommerce_agent.api.app import create_app
from ecommerce_agent.api.startup import validate_startup
from ecommerce_agent.demo.accounts import demo_accounts_in, purge_demo
from ecommerce_agent.demo.generate import DEMO_ACCOUNTS, DemoShop, SeedPlan
from ecommerce_agent.domain.clock import utcnow
from ecommerce_agent.domain.conversations import ConversationStatus
from ecommerce_agent.domain.conversations import Role as MessageRole
from ecommerce_agent.domain.tickets import IssueType
from ecommerce_agent.errors import ConfigError
from ecommerce_agent.storage import open_sqlite
from ecommerce_agent.storage.base import NewMessage, NewTicket, Repository
from tests.support.cli import one_line_error, run_cli
from tests.support.factories import NOW, settings_for

SECRET = "production-secret-" + "p" * 40
PRODUCTION = {"APP_ENV": "production", "JWT_SECRET_KEY": SECRET}


def _seed_small(repo: Repository) -> None:
    plan = SeedPlan(anchor=NOW, users=10, products=20, orders=60, demo_password_hashes={})
    repo.load_tables(DemoShop(plan).batches())


def test_serve_refuses_production_with_demo_accounts_and_names_purge_demo(tmp_path: Path) -> None:
    assert run_cli("seed", "--orders", "50", "--users", "10", "--products", "20", cwd=tmp_path).returncode == 0
    result = run_cli("serve", "--port", "1", cwd=tmp_path, env=PRODUCTION)
    line = one_line_error(result)
    assert result.returncode == 2
    assert "ecommerce-agent purge-demo" in line and "agent@example.com" in line

    purged = run_cli("purge-demo", cwd=tmp_path, env=PRODUCTION)
    assert purged.returncode == 0, purged.stderr
    assert "3개" in purged.stdout
    repo = open_sqlite(tmp_path / "data" / "ecommerce.db")
    assert demo_accounts_in(repo) == []
    repo.close()
    # Nothing left to refuse: the start-up check passes (the server itself is not started here).
    validate_startup(settings_for(tmp_path / "data", SQLITE_DATABASE=str(tmp_path / "data" / "ecommerce.db"),
                                  **PRODUCTION), workers=2)


def test_the_app_itself_refuses_to_start_in_production_with_demo_accounts(tmp_path: Path) -> None:
    repo = open_sqlite(tmp_path / "shop.db")
    _seed_small(repo)
    repo.close()
    app = create_app(settings_for(tmp_path, **PRODUCTION))
    from fastapi.testclient import TestClient

    with pytest.raises(ConfigError, match="purge-demo"):
        with TestClient(app):
            pass


def test_seed_refuses_in_production(tmp_path: Path) -> None:
    result = run_cli("seed", "--orders", "100", cwd=tmp_path, env={"APP_ENV": "production"})
    assert result.returncode == 2 and "production" in one_line_error(result)
    assert not (tmp_path / "data" / "ecommerce.db").exists()


def test_purge_removes_demo_accounts_and_only_their_data(repo: Repository) -> None:
    _seed_small(repo)
    demo = repo.get_user_by_email("demo@example.com")
    other = repo.get_user_by_email("user000004@example.com")
    assert demo is not None and other is not None
    now = utcnow()
    conversation = repo.create_conversation(demo.user_id, now=now, title="문의")
    repo.save_turn(conversation.conversation_id, expected_version=conversation.version, state={},
                   status=ConversationStatus.ACTIVE, now=now + timedelta(seconds=1),
                   messages=[NewMessage(MessageRole.USER, "배송 언제 와요?")])
    repo.create_ticket(NewTicket(user_id=demo.user_id, issue_type=IssueType.OTHER, description="문의"), now=now)
    other_orders = len(repo.list_orders(other.user_id, limit=100))
    other_tickets = len(repo.list_tickets(other.user_id, limit=100))
    before = repo.counts()

    found, would = purge_demo(repo, dry_run=True)
    assert {u.email for u in found} == {a.email for a in DEMO_ACCOUNTS}
    assert would["users"] == 3 and would["orders"] > 0 and would["messages"] == 1 and would["tickets"] >= 1
    assert repo.counts() == before  # a dry run keeps everything

    found, removed = purge_demo(repo)
    assert removed == would
    assert demo_accounts_in(repo) == [] and repo.get_conversation(conversation.conversation_id) is None
    assert repo.list_orders(demo.user_id, limit=100) == []
    after = repo.counts()
    assert all(after[t] == before[t] - removed.get(t, 0) for t in before)
    assert len(repo.list_orders(other.user_id, limit=100)) == other_orders
    assert len(repo.list_tickets(other.user_id, limit=100)) == other_tickets
    assert purge_demo(repo) == ([], {t: 0 for t in removed})  # idempotent
