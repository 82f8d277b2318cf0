"""Validated settings: one registry of every key, its default and its help text.

Settings come from a YAML file (``configs/app.yaml``, or the path in
``ECOMMERCE_CONFIG``) overridden by environment variables (``ENV_OVERRIDES``).
Anything invalid stops the program with one Korean line that names the key and
the allowed values (``ConfigError``); nobody sees a traceback.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ConfigError

DEFAULT_CONFIG_PATH = Path("configs/app.yaml")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AppSection(_Section):
    env: Literal["development", "test", "production"] = Field(
        "development", description="Deployment environment; production enforces secrets and forbids demo accounts.")
    host: str = Field("0.0.0.0", description="Address the HTTP server binds to.")
    port: int = Field(8000, ge=1, le=65535, description="Port the HTTP server listens on.")
    workers: int = Field(1, ge=1, le=64, description="Worker processes for `ecommerce-agent serve`.")


class SqliteSection(_Section):
    database: Path = Field(Path("data/ecommerce.db"), description="SQLite database file.")
    timeout: float = Field(30, gt=0, description="Seconds to wait for a lock (busy_timeout).")


class CsvSection(_Section):
    directory: Path = Field(Path("data/"), description="Directory holding one CSV file per table.")


class PostgresSection(_Section):
    url: str = Field("postgresql://127.0.0.1:5432/test", description="PostgreSQL connection URL.")
    pool_size: int = Field(5, ge=1, le=100, description="Connections kept open per process.")


class StorageSection(_Section):
    backend: Literal["sqlite", "csv", "postgres"] = Field(
        "sqlite", description="Storage backend: sqlite (default), csv (legacy, single writer) or postgres.")
    sqlite: SqliteSection = SqliteSection()
    csv: CsvSection = CsvSection()
    postgres: PostgresSection = PostgresSection()


class LoggingSection(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        "INFO", description="Minimum log level.")
    file: Path | None = Field(Path("log/app.log"), description="JSON-lines log file (null: stdout only).")
    max_bytes: int = Field(50 * 1024 * 1024, ge=1024, description="Rotate the log file at this size.")
    backup_count: int = Field(10, ge=0, le=1000, description="Rotated log files to keep.")


class AuthSection(_Section):
    access_token_minutes: int = Field(15, ge=1, le=1440, description="Access-token lifetime in minutes.")
    refresh_token_days: int = Field(7, ge=1, le=90, description="Refresh-token lifetime in days.")
    login_max_failures: int = Field(5, ge=1, le=100,
                                    description="Failed logins of one account from one client address before "
                                                "that client (only) is locked out of it (429) for the window.")
    login_window_minutes: int = Field(15, ge=1, le=1440, description="Window for counting failed logins.")
    login_ip_max_failures: int = Field(
        30, ge=1, le=10_000, description="Failed logins from one client address, any accounts, before the "
                                         "address is refused for the window (credential stuffing).")
    login_delay_seconds: int = Field(
        2, ge=0, le=300, description="Progressive delay: after the 2nd quick failure of an account from a "
                                     "client it waits this long, doubling per failure (0: off).")
    dev_secret_file: Path = Field(Path("data/.jwt-secret"),
                                  description="Where development keeps its generated JWT secret (shared by workers).")


class ApiSection(_Section):
    cors_origins: list[str] = Field(default_factory=list,
                                    description="Origins allowed by CORS ('*' is refused in production).")
    max_body_bytes: int = Field(65_536, ge=1_024, le=10_485_760, description="Largest request body accepted.")
    request_timeout_seconds: float = Field(30, gt=0, le=600, description="Time limit for one request.")
    idempotency_hours: int = Field(24, ge=1, le=720, description="How long an Idempotency-Key is remembered.")
    idempotency_lease_seconds: float = Field(
        10, gt=0, le=300, description="How long a retry waits for a still-running request with the same "
                                      "Idempotency-Key before 409 (a crashed request holds nothing).")
    model_threads: int = Field(
        2, ge=1, le=64, description="Agent turns and searches computed at once per worker (they hold the GIL: "
                                    "more threads only interleave them and each keeps Kiwi buffers; "
                                    "api/compute.py). Turns with an LLM configured are not bounded by it.")


def _limit_string(value: str) -> str:
    from limits import parse_many

    try:
        items = parse_many(value) if value.strip() else []
    except ValueError:
        raise ValueError(f"'{value}'은(는) 올바른 제한 표기가 아닙니다 "
                         "(예: '30/minute', '10 per hour', 여러 개는 ';'로 구분, 빈 값은 제한 없음)") from None
    if any(item.get_expiry() > 86_400 for item in items):
        raise ValueError(f"'{value}' — 기간은 하루(1/day)까지만 쓸 수 있습니다")
    return value.strip()


class RateLimitSection(_Section):
    """Request limits (``limits`` notation, several joined by ';'; empty: no limit).
    Shared by every worker through Redis when ``redis.url`` is set, else through
    the SQL database (CSV backend: in process memory, one worker by rule)."""

    enabled: bool = Field(True, description="Apply the limits below (false: none, e.g. for a load test).")
    chat_per_user: str = Field("30/minute;300/hour", description="Chat turns and new conversations per "
                                                                "account (/chat, /conversations, /v1/chat/completions).")
    chat_per_ip: str = Field("120/minute", description="The same per client address (all accounts behind it).")
    register_per_ip: str = Field("10/hour", description="Sign-ups per client address (/auth/register).")
    search_per_ip: str = Field("60/minute", description="Public searches per client address "
                                                        "(/policies/search, /products/search).")
    search_max_query_chars: int = Field(200, ge=10, le=500, description="Longest search query accepted "
                                                                        "(longer: 422).")

    @field_validator("chat_per_user", "chat_per_ip", "register_per_ip", "search_per_ip")
    @classmethod
    def _valid_limits(cls, value: str) -> str:
        return _limit_string(value)


class AgentSection(_Section):
    confirm_minutes: int = Field(10, ge=1, le=1440,
                                 description="How long a proposed action waits for the shopper's yes.")
    min_policy_score: float = Field(0.0, ge=0, description="Below this search score a policy question is "
                                                          "answered as not found (and a human is offered).")


class ApiKeyEntry(_Section):
    """One key of the OpenAI-compatible layer, bound to one shopper (or staff) account."""

    user: str = Field(min_length=1, description="Account the key acts as: an email or a user id.")
    key: str | None = Field(None, min_length=20, description="The key itself (prefer key_sha256 in shared files).")
    key_sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$",
                                   description="SHA-256 (hex) of the key, so the file holds no secret.")
    name: str = Field("", description="Label for logs (e.g. the front end using it).")

    def model_post_init(self, context: Any) -> None:
        if (self.key is None) == (self.key_sha256 is None):
            raise ValueError("key와 key_sha256 중 하나만 지정하세요")


class OpenAICompatSection(_Section):
    model: str = Field("ecommerce-agent", min_length=1, max_length=64,
                       description="Model id shown by /v1/models and accepted by /v1/chat/completions.")
    api_keys: list[ApiKeyEntry] = Field(
        default_factory=list, description="API keys for /v1/* (each bound to an account); a JWT also works.")


class BackupSection(_Section):
    directory: Path = Field(Path("backups"), description="Where `ecommerce-agent backup` (./backup.sh) writes.")
    keep_days: int = Field(14, ge=1, le=3650,
                           description="Backups older than this many days are deleted after each backup.")


class RedisSection(_Section):
    url: str | None = Field(None, description="Redis URL for shared auth state (env REDIS_URL); "
                                              "unset: the database holds it.")


class SearchSection(_Section):
    index_dir: Path = Field(Path("data/processed"),
                            description="Where build-index writes the search index (manifest.json + parts).")
    policies_dir: Path = Field(Path("data/policies"), description="Policy documents (Markdown) to index.")
    mode: Literal["keyword", "embedding", "hybrid"] = Field(
        "hybrid", description="Retrieval mode: keyword (BM25), embedding (e5) or hybrid (weighted sum of both).")
    hybrid_weight: float = Field(0.3, ge=0, le=1,
                                 description="Weight of the BM25 score in hybrid mode; the rest is the embedding's.")
    top_k: int = Field(5, ge=1, le=50, description="Results a search returns by default.")
    max_per_doc: int = Field(1, ge=1, le=20, description="At most this many chunks of one document per result list.")
    aspect_weight: float = Field(
        0.15, ge=0, le=1, description="Policy search reranking: bonus (share of the score range) for a section "
                                      "whose heading matches what the question asks (when, how much, how, who "
                                      "pays); 0: off.")
    encoder: Literal["e5-small", "none"] = Field(
        "e5-small", description="Embedding model (bundled, nothing downloaded); none: keyword search only.")
    encoder_threads: int = Field(1, ge=0, le=64, description="CPU threads for embedding (0: all cores).")
    query_encoder: Literal["static", "e5"] = Field(
        "static", description="How questions are embedded: static (word vectors distilled from e5 at "
                              "build time, <1 ms) or e5 (the full model per question, 10-20 ms).")
    query_cache_size: int = Field(1024, ge=0, le=1_000_000,
                                  description="Query embeddings kept in memory (LRU; 0: off).")
    chunk_max_chars: int = Field(800, ge=200, le=20_000,
                                 description="Policy sections longer than this are split at paragraph boundaries.")
    vector_cache_dir: Path | None = Field(
        None, description="Passage vectors kept between builds (unset: <index_dir>/.vector-cache).")


class NluSection(_Section):
    model_dir: Path = Field(Path("data/nlu/model"),
                            description="Trained NLU model (nlu.npz + manifest.json), made by `ecommerce-agent train-nlu`.")
    confidence_threshold: float = Field(
        0.5, ge=0, le=1, description="Below this intent probability the result is marked uncertain "
                                     "(the agent asks a clarifying question).")
    alternatives: int = Field(3, ge=0, le=13, description="Runner-up intents reported with each result.")
    embeddings: bool = Field(True, description="Let the e5 second stage decide when the first stage is unsure "
                                               "(bundled model, nothing downloaded).")
    embedding_below: float = Field(0.55, ge=0, le=1,
                                   description="First-stage probability below which the e5 second stage is used.")
    encoder_threads: int = Field(1, ge=0, le=64, description="CPU threads for the NLU's own e5 encoder, used "
                                                            "only when search has none to share (0: all cores).")


class SecretsSection(_Section):
    """Secrets come only from the environment, never from the YAML file."""

    jwt_secret_key: str | None = Field(None, description="JWT signing key (env JWT_SECRET_KEY).")
    openai_api_key: str | None = Field(None, description="OpenAI-compatible API key (env OPENAI_API_KEY).")


class Settings(_Section):
    app: AppSection = AppSection()
    storage: StorageSection = StorageSection()
    logging: LoggingSection = LoggingSection()
    auth: AuthSection = AuthSection()
    api: ApiSection = ApiSection()
    redis: RedisSection = RedisSection()
    rate_limits: RateLimitSection = RateLimitSection()
    backup: BackupSection = BackupSection()
    agent: AgentSection = AgentSection()
    openai_compat: OpenAICompatSection = OpenAICompatSection()
    search: SearchSection = SearchSection()
    nlu: NluSection = NluSection()
    secrets: SecretsSection = SecretsSection()
    source: str = Field("defaults", description="Where the settings were read from (for messages).")


# Environment variable -> dotted settings key.
ENV_OVERRIDES: dict[str, str] = {
    "APP_ENV": "app.env",
    "APP_HOST": "app.host",
    "APP_PORT": "app.port",
    "APP_WORKERS": "app.workers",
    "LOG_LEVEL": "logging.level",
    "LOG_FILE": "logging.file",
    "STORAGE_BACKEND": "storage.backend",
    "SQLITE_DATABASE": "storage.sqlite.database",
    "CSV_DIRECTORY": "storage.csv.directory",
    "REDIS_URL": "redis.url",
    "BACKUP_KEEP_DAYS": "backup.keep_days",
    "JWT_SECRET_KEY": "secrets.jwt_secret_key",
    "OPENAI_API_KEY": "secrets.openai_api_key",
}


def load_settings(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read the YAML file, apply environment overrides and validate."""
    env = os.environ if env is None else env
    data, source = _read_yaml(path, env)
    origin: dict[str, str] = {}  # dotted key -> env var that set it, for error messages
    if "secrets" in data:
        raise ConfigError(f"설정 오류 ({source}): 'secrets' 키는 파일에 둘 수 없습니다. "
                          "JWT_SECRET_KEY, OPENAI_API_KEY 환경변수를 사용하세요.")
    for var, key in ENV_OVERRIDES.items():
        if env.get(var):
            _set(data, key, env[var])
            origin[key] = var
    if env.get("DATABASE_URL"):
        _apply_database_url(data, env["DATABASE_URL"], origin)
    data["source"] = source
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe_error(exc, source, origin)) from None


def _read_yaml(path: str | Path | None, env: Mapping[str, str]) -> tuple[dict[str, Any], str]:
    explicit = path is not None or bool(env.get("ECOMMERCE_CONFIG"))
    file = Path(path or env.get("ECOMMERCE_CONFIG") or DEFAULT_CONFIG_PATH)
    if not file.exists():
        if explicit:
            raise ConfigError(f"설정 오류: 설정 파일 '{file}'이(가) 없습니다 (ECOMMERCE_CONFIG 또는 --config 확인).")
        return {}, "defaults"
    return read_yaml_mapping(file), str(file)


# libyaml's parser when PyYAML was built with it: the agent's data files take ~2 s to
# parse in pure Python at every start, ~0.2 s with it
_YAML_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """``yaml.safe_load`` with the fast loader (same safe constructors)."""
    return yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader


def read_yaml_mapping(file: Path, what: str = "설정 파일") -> dict[str, Any]:
    """A YAML file whose top level is a mapping; anything else is one Korean line
    naming the file (and the line, for a syntax error)."""
    try:
        loaded = parse_yaml(file.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" {where.line + 1}행" if where is not None else ""
        raise ConfigError(f"설정 오류: {what} '{file}'{line}을(를) 읽을 수 없습니다: "
                          f"{getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(loaded, dict):
        raise ConfigError(f"설정 오류: {what} '{file}'의 최상위는 키-값 매핑이어야 합니다.")
    return loaded


def _set(data: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    node = data
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[leaf] = value


def _apply_database_url(data: dict[str, Any], url: str, origin: dict[str, str]) -> None:
    """DATABASE_URL picks the backend from its scheme: sqlite:///path or postgresql://…"""
    if url.startswith("sqlite:///"):
        _set(data, "storage.backend", "sqlite")
        _set(data, "storage.sqlite.database", url.removeprefix("sqlite:///"))
        origin["storage.sqlite.database"] = "DATABASE_URL"
    elif url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        _set(data, "storage.backend", "postgres")
        _set(data, "storage.postgres.url", url)
        origin["storage.postgres.url"] = "DATABASE_URL"
    else:
        raise ConfigError("설정 오류: DATABASE_URL — 지원하지 않는 형식입니다. "
                          "허용값: sqlite:///경로, postgresql://호스트:포트/DB")
    origin["storage.backend"] = "DATABASE_URL"


SECRET_KEYS = ("secrets", "openai_compat.api_keys")


def describe_error(exc: ValidationError, source: str, origin: Mapping[str, str] | None = None, *,
                   secret: tuple[str, ...] = SECRET_KEYS, patterns: Mapping[str, str] | None = None) -> str:
    """One line for the first problem of any settings file: the key, where it was
    set, what was wrong, what is allowed. Keys starting with one of ``secret`` never
    echo their value; ``patterns`` names, per key (``*``: any), what a pattern allows."""
    err = exc.errors(include_url=False)[0]
    key = ".".join(str(p) for p in err["loc"]) or "(최상위)"
    origin = origin or {}
    where = f"환경변수 {origin[key]}" if key in origin else source
    given = "***" if key.startswith(secret) else err.get("input")  # never echo a secret
    kind = err["type"]
    if kind == "literal_error":
        # pydantic writes "'a', 'b' or 'c'": the operator reads one Korean list instead
        expected = re.sub(r"' or '", "', '", str(err.get("ctx", {}).get("expected", "")))
        detail = f"'{given}'은(는) 허용되지 않습니다. 허용값: {expected}"
    elif kind == "extra_forbidden":
        detail = "알 수 없는 키입니다 (오타인지 확인하세요)"
    elif kind.startswith(("int_", "float_", "bool_")) and kind.endswith(("parsing", "type")):
        what = {"int": "정수가", "float": "숫자가", "bool": "true 또는 false가"}[kind.split("_")[0]]
        detail = f"'{given}'은(는) 올바른 {what} 아닙니다"
    elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        detail = f"'{given}'은(는) 범위를 벗어났습니다 ({err['msg']})"
    elif kind == "value_error":
        detail = str(err.get("ctx", {}).get("error", err["msg"]))
    elif kind == "string_pattern_mismatch" and (hint := (patterns or {}).get(key, (patterns or {}).get("*"))):
        detail = f"'{given}'은(는) 허용되지 않습니다. 허용값: {hint}"
    elif kind in ("string_too_short", "too_short") and not given:
        detail = "비어 있을 수 없습니다"
    elif kind in ("string_too_short", "string_too_long"):
        detail = f"'{given}' — 길이가 맞지 않습니다 ({err['msg']})"
    else:
        detail = f"'{given}' — {err['msg']}"
    return f"설정 오류 ({where}): {key} — {detail}"


def describe_settings() -> list[tuple[str, Any, str]]:
    """(dotted key, default, help) for every setting, for docs and `config` output."""
    rows: list[tuple[str, Any, str]] = []

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, field in model.model_fields.items():
            annotation = field.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                walk(annotation, f"{prefix}{name}.")
            elif name != "source":
                rows.append((f"{prefix}{name}", field.default, field.description or ""))

    walk(Settings, "")
    return rows
