"""Operations commands: `backup`, `restore`, `sync-requirements`."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import datetime
from pathlib import Path

from ..config import Settings
from ..errors import ConfigError
from ..storage.backup import backup_sqlite, prune, restore_sqlite, stamp, tar_files, unused
from .output import table

def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("backup", help="SQLite 온라인 백업(무결성 검사) + CSV·인덱스 압축, 보존 기간 정리")
    p.add_argument("--dir", type=Path, help="백업 디렉터리 (기본: backup.directory = backups/)")
    p.add_argument("--keep-days", type=_days, help="이보다 오래된 백업 삭제 (기본: backup.keep_days = 14일, "
                   "환경변수 BACKUP_KEEP_DAYS)")
    p.set_defaults(handler=backup)

    p = commands.add_parser("restore", help="SQLite 백업을 검사 후 복원 (서비스 중지 상태에서)")
    p.add_argument("backup", type=Path, help="복원할 백업 파일 (예: backups/ecommerce.db.20261126-031500)")
    p.add_argument("--db-path", type=Path, help="복원 위치 (기본: storage.sqlite.database)")
    p.set_defaults(handler=restore)

    p = commands.add_parser("sync-requirements", help="pyproject.toml의 의존성으로 requirements.txt 고정 버전 갱신")
    p.add_argument("--check", action="store_true", help="갱신이 필요하면 실패 (CI용)")
    p.add_argument("--output", type=Path, default=Path("requirements.txt"))
    p.set_defaults(handler=sync_requirements)


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"정수가 아닙니다: {text}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"1 이상이어야 합니다: {text}")
    return value


def backup(args: argparse.Namespace, settings: Settings) -> int:
    if settings.storage.backend == "postgres":
        raise ConfigError("PostgreSQL 백엔드는 pg_dump로 백업하세요 (docs/operations.md의 백업 절 참고).")
    target: Path = args.dir or settings.backup.directory
    keep_days: int = args.keep_days or settings.backup.keep_days
    target.mkdir(parents=True, exist_ok=True)
    run = stamp(datetime.now())  # every run gets its own names: nothing earlier is overwritten
    made = []
    if settings.storage.backend == "sqlite":
        made.append(backup_sqlite(settings.storage.sqlite.database, unused(target / f"ecommerce.db.{run}")))
    csv_dir = settings.storage.csv.directory
    index_dir = settings.search.index_dir
    for kind, files, root, name in (
        ("csv", sorted(csv_dir.glob("*.csv")), csv_dir.parent if csv_dir.parent != csv_dir else csv_dir,
         f"csv_data.{run}.tar.gz"),
        ("index", sorted(p for p in index_dir.rglob("*") if p.is_file()),
         index_dir.parent, f"index.{run}.tar.gz"),
    ):
        item = tar_files(files, unused(target / name), kind=kind, root=root)
        if item is not None:
            made.append(item)
    removed = prune(target, keep_days)
    print(table([(b.kind, str(b.path), b.size) for b in made], ("종류", "파일", "바이트")))
    print(f"백업 완료: {len(made)}개 파일, 무결성 검사 통과. 보존 기간({keep_days}일)이 지난 백업 {len(removed)}개 삭제.")
    return 0


def restore(args: argparse.Namespace, settings: Settings) -> int:
    db_path = args.db_path or settings.storage.sqlite.database
    restore_sqlite(args.backup, db_path)
    print(f"복원 완료: {args.backup} → {db_path} (무결성 검사 통과). 서비스를 다시 시작하세요.")
    return 0


def sync_requirements(args: argparse.Namespace, settings: Settings) -> int:
    """Pin every runtime dependency (and theirs) at the installed version."""
    import tomllib
    from importlib import metadata

    from packaging.requirements import Requirement

    pyproject = Path(__file__).resolve().parents[3] / "pyproject.toml"
    direct = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    pending = [(r.name, frozenset(r.extras)) for r in map(Requirement, direct)]
    seen: dict[str, str] = {}
    expanded: set[tuple[str, frozenset[str]]] = set()
    while pending:
        name, extras = pending.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if (key, extras) in expanded:
            continue
        expanded.add((key, extras))
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            raise ConfigError(f"'{name}'이(가) 설치되어 있지 않습니다. `make run`으로 먼저 설치하세요.") from None
        seen[key] = dist.version
        for text in dist.requires or []:
            requirement = Requirement(text)
            # What this platform installs for the requested extras (and no others).
            if requirement.marker is None or any(requirement.marker.evaluate({"extra": e})
                                                 for e in ("", *extras)):
                pending.append((requirement.name, frozenset(requirement.extras)))
    lines = ["# Pinned from pyproject.toml by `ecommerce-agent sync-requirements`; do not edit by hand.",
             *(f"{name}=={version}" for name, version in sorted(seen.items()))]
    text = "\n".join(lines) + "\n"
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print("requirements.txt가 pyproject.toml/설치 버전과 다릅니다: ecommerce-agent sync-requirements",
                  file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"{args.output}: {len(seen)}개 패키지 고정")
    return 0
