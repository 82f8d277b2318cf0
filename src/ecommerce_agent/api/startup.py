"""Start-up checks, run once before any worker starts.

``check_settings`` is what every app checks when it is built (secrets, CORS,
the LLM file). ``validate_startup`` adds what needs the database (reachable,
migrated, no demo accounts in production) and the worker count; ``serve`` and
the gunicorn master (``on_starting`` in ``gunicorn.conf.py``) call it, so an
invalid production setting stops the server once with one line instead of
every worker failing and being restarted in a loop.
"""

from __future__ import annotations

from ..agent.llm.config import LlmConfig, load_llm_config
from ..config import Settings
from ..demo.accounts import refuse_demo_accounts
from ..errors import ConfigError
from ..storage import open_repository
from .tokens import resolve_secret

CSV_SINGLE_WORKER = (
    "CSV 저장소는 동시 쓰기를 지원하지 않아 워커 1개로만 실행할 수 있습니다 (요청한 워커: {n}). "
    "여러 워커가 필요하면 SQLite로 옮기세요: python scripts/05_migrate_to_sqlite.py 후 "
    "configs/app.yaml에서 storage.backend: \"sqlite\"")


def check_workers(settings: Settings, workers: int) -> None:
    if settings.storage.backend == "csv" and workers > 1:
        raise ConfigError(CSV_SINGLE_WORKER.format(n=workers))


def check_settings(settings: Settings) -> tuple[str, LlmConfig]:
    """The JWT secret and the LLM configuration, or a ``ConfigError`` (one line)."""
    if settings.app.env == "production" and "*" in settings.api.cors_origins:
        raise ConfigError("설정 오류: api.cors_origins — production에서는 '*'를 쓸 수 없습니다 "
                          "(인증 정보와 함께 모든 출처를 허용하게 됩니다). 허용할 출처를 나열하세요.")
    secret = resolve_secret(settings)
    llm_config = load_llm_config(api_key=settings.secrets.openai_api_key)  # a bad file stops start-up here
    return secret, llm_config


def validate_startup(settings: Settings, workers: int) -> None:
    """Everything a server start needs, checked once: raises ``ConfigError`` or a
    ``StorageError`` with one Korean line. Applies pending schema migrations once,
    and leaves no connection open (workers are forked afterwards)."""
    check_workers(settings, workers)
    repo = open_repository(settings)
    try:
        refuse_demo_accounts(settings, repo)
    finally:
        repo.close()
    check_settings(settings)
