"""Data commands: `seed`, `purge-demo`, `migrate` (CSV → SQLite), `export-csv`."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from ..config import Settings
from ..demo.accounts import purge_demo
from ..demo.generate import DEMO_ACCOUNTS, DemoShop, SeedPlan
from ..errors import AppError, ConfigError
from ..security import hash_password
from ..storage import open_repository
from ..storage.csvfiles import table_path
from ..storage.schema import DATA_TABLES
from ..storage.transfer import export_csv, migrate_csv, migrate_csv_into
from .output import bar, table


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("seed", help="데모 쇼핑몰 데이터 생성 (결정적, 시드 고정)")
    p.add_argument("--orders", type=_count, default=3_000, help="주문 수 (기본 3,000; 1,000,000까지)")
    p.add_argument("--users", type=_count, default=200, help="고객 수 (기본 200)")
    p.add_argument("--products", type=_count, default=300, help="상품 수 (기본 300)")
    p.add_argument("--seed", type=int, default=42, help="난수 시드 (기본 42)")
    p.add_argument("--now", type=_aware, help="기준 시각 (ISO 8601, 예: 2026-11-26T12:00:00+09:00; 기본: 현재)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--reset", action="store_true", help="기존 데이터를 지우고 다시 생성 (SQLite/CSV)")
    mode.add_argument("--if-empty", action="store_true", help="데이터가 이미 있으면 아무것도 하지 않음")
    p.set_defaults(handler=seed)

    p = commands.add_parser("purge-demo", help="데모 계정(공개된 비밀번호)과 그 주문·문의·대화를 한 트랜잭션으로 삭제")
    p.add_argument("--dry-run", action="store_true", help="지울 행 수만 보여 주고 아무것도 지우지 않음")
    p.set_defaults(handler=purge_demo_accounts)

    p = commands.add_parser("migrate", help="CSV → SQLite 마이그레이션 (scripts/05_migrate_to_sqlite.py). "
                            "PostgreSQL 백엔드에서 --db-path 없이 실행하면 CSV → PostgreSQL")
    add_migrate_arguments(p)
    p.set_defaults(handler=migrate)

    p = commands.add_parser("export-csv", help="현재 저장소의 데이터를 CSV 파일로 내보내기")
    p.add_argument("--csv-dir", type=Path, help="대상 디렉터리 (기본: storage.csv.directory)")
    p.set_defaults(handler=export)


def add_migrate_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--csv-dir", type=Path, help="CSV 디렉터리 (기본: storage.csv.directory)")
    p.add_argument("--db-path", type=Path, help="SQLite 파일 (기본: storage.sqlite.database = data/ecommerce.db)")
    p.add_argument("--dry-run", action="store_true", help="검증만 하고 아무것도 쓰지 않음")


def _count(text: str) -> int:
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"정수가 아닙니다: {text}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"0 이상이어야 합니다: {text}")
    return value


def _aware(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ISO 8601 시각이 아닙니다: {text}") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"시간대가 필요합니다 (예: +09:00): {text}")
    return moment


def seed(args: argparse.Namespace, settings: Settings) -> int:
    if args.users < 10 or args.products < 20:
        raise AppError("--users는 10 이상, --products는 20 이상이어야 합니다.")
    if settings.app.env == "production":
        raise ConfigError("설정 오류: APP_ENV=production에서는 seed를 실행할 수 없습니다 — 데모 데이터(공개된 "
                          "비밀번호의 데모 계정 포함)는 개발·테스트용입니다.")
    storage = settings.storage
    if storage.backend == "sqlite":
        storage.sqlite.database.parent.mkdir(parents=True, exist_ok=True)
    elif storage.backend == "csv":
        storage.csv.directory.mkdir(parents=True, exist_ok=True)
    repo = open_repository(settings)
    try:
        if any(repo.counts().values()):
            if args.if_empty:
                print("데이터가 이미 있어 생성을 건너뜁니다.")
                return 0
            if not args.reset:
                raise AppError("저장소에 이미 데이터가 있습니다. 지우고 다시 만들려면 --reset을 붙이세요.")
            repo.close()
            _reset(settings)
            repo = open_repository(settings)
        hashes = {a.email: hash_password(a.password) for a in DEMO_ACCOUNTS}
        anchor = args.now or datetime.now(UTC).replace(second=0, microsecond=0)
        plan = SeedPlan(anchor=anchor, seed=args.seed, users=args.users, products=args.products,
                        orders=args.orders, demo_password_hashes=hashes)
        with bar("데모 데이터 적재", None) as progress:
            inserted = repo.load_tables(DemoShop(plan).batches(), progress=progress)
    finally:
        repo.close()
    print(table([(t, n) for t, n in inserted.items()], ("테이블", "행 수")))
    print("데모 계정(개발용): " + ", ".join(f"{a.email} / {a.password}" for a in DEMO_ACCOUNTS))
    return 0


def purge_demo_accounts(args: argparse.Namespace, settings: Settings) -> int:
    repo = open_repository(settings)
    try:
        found, removed = purge_demo(repo, dry_run=args.dry_run)
    finally:
        repo.close()
    if not found:
        print("데모 계정이 없습니다. 지운 것이 없습니다.")
        return 0
    print(table([(t, n) for t, n in removed.items()], ("테이블", "삭제 예정 행 수" if args.dry_run else "삭제한 행 수")))
    emails = ", ".join(user.email for user in found)
    if args.dry_run:
        print(f"[dry-run] 데모 계정 {len(found)}개({emails})와 그 데이터를 지울 수 있습니다. 아무것도 지우지 않았습니다.")
    else:
        print(f"데모 계정 {len(found)}개({emails})와 그 주문·문의·대화를 삭제했습니다 (한 트랜잭션).")
    return 0


def _reset(settings: Settings) -> None:
    storage = settings.storage
    if storage.backend == "sqlite":
        db = storage.sqlite.database
        for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            path.unlink(missing_ok=True)
    elif storage.backend == "csv":
        for t in DATA_TABLES:
            table_path(storage.csv.directory, t.name).unlink(missing_ok=True)
    else:
        raise ConfigError("PostgreSQL 저장소에는 --reset을 쓸 수 없습니다. 빈 데이터베이스에서 실행하세요.")


def migrate(args: argparse.Namespace, settings: Settings) -> int:
    csv_dir = args.csv_dir or settings.storage.csv.directory
    dry_run = args.dry_run
    if settings.storage.backend == "postgres" and args.db_path is None:
        repo = open_repository(settings)
        db_path: object = repo.describe  # type: ignore[attr-defined]
        try:
            reports = migrate_csv_into(csv_dir, repo, dry_run=dry_run, progress=bar)  # type: ignore[arg-type]
        finally:
            repo.close()
    else:
        db_path = args.db_path or settings.storage.sqlite.database
        reports = migrate_csv(csv_dir, db_path, timeout=settings.storage.sqlite.timeout,
                              dry_run=dry_run, progress=bar)
    rows = [(r.table, r.csv_rows, r.inserted, r.existing, r.total) for r in reports]
    header = ("테이블", "CSV 행", "추가 예정" if dry_run else "추가", "기존(건너뜀)", "DB 합계")
    print(table(rows, header))
    if dry_run:
        print(f"[dry-run] 검증 완료: 아무것도 쓰지 않았습니다 ({csv_dir} → {db_path}).")
    else:
        added = sum(r.inserted for r in reports)
        print(f"마이그레이션 완료: {added:,}행 추가, 행 수와 외래 키 검증 통과 ({csv_dir} → {db_path}).")
    return 0


def export(args: argparse.Namespace, settings: Settings) -> int:
    if settings.storage.backend == "csv":
        raise ConfigError("이미 CSV 저장소를 쓰고 있습니다. export-csv는 SQLite/PostgreSQL에서 실행하세요.")
    target = args.csv_dir or settings.storage.csv.directory
    repo = open_repository(settings)
    try:
        written = export_csv(repo, target)
    finally:
        repo.close()
    print(table(list(written.items()), ("테이블", "행 수")))
    print(f"CSV 내보내기 완료: {target}")
    return 0
