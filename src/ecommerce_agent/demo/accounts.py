"""Demo accounts in a production database: found, refused at start-up, purged.

The demo accounts (``generate.DEMO_ACCOUNTS``) have published passwords, one of
them staff. A database seeded in development and then served in production
would let anyone in, so production refuses to start while any of them exists,
naming the command that removes them (``ecommerce-agent purge-demo``).
"""

from __future__ import annotations

from ..config import Settings
from ..domain.users import User
from ..errors import ConfigError
from ..storage.base import Repository
from ..storage.purge import purge_users
from .generate import DEMO_ACCOUNTS

PURGE_COMMAND = "ecommerce-agent purge-demo"


def demo_accounts_in(repo: Repository) -> list[User]:
    """The demo accounts present in ``repo`` (by their e-mail addresses)."""
    found = (repo.get_user_by_email(account.email) for account in DEMO_ACCOUNTS)
    return [user for user in found if user is not None]


def refuse_demo_accounts(settings: Settings, repo: Repository) -> None:
    """In production, a ``ConfigError`` (one line) while demo accounts exist."""
    if settings.app.env != "production":
        return
    found = demo_accounts_in(repo)
    if found:
        emails = ", ".join(user.email for user in found)
        raise ConfigError(f"설정 오류: production 데이터베이스에 공개된 비밀번호의 데모 계정({emails})이 있어 "
                          f"시작하지 않습니다. `{PURGE_COMMAND}`로 데모 계정과 그 데이터를 지운 뒤 다시 시작하세요.")


def purge_demo(repo: Repository, *, dry_run: bool = False) -> tuple[list[User], dict[str, int]]:
    """Remove the demo accounts and their data (one transaction); the accounts
    found and the rows removed per table (with ``dry_run``: that would be)."""
    found = demo_accounts_in(repo)
    return found, purge_users(repo, [user.user_id for user in found], dry_run=dry_run)
