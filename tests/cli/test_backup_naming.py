"""Each backup run keeps its own files (named to the second), and old backups
are pruned by age (backup.keep_days / BACKUP_KEEP_DAYS / --keep-days)."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

from ecommerce_agent.storage.backup import unused
from tests.support.cli import one_line_error, run_cli

RUN = re.compile(r"^(ecommerce\.db|csv_data|index)\.\d{8}-\d{6}(-\d+)?(\.tar\.gz)?$")


def _shop(template_db: Path, tmp_path: Path) -> dict[str, str]:
    (tmp_path / "data" / "processed").mkdir(parents=True)
    shutil.copy(template_db, tmp_path / "data" / "ecommerce.db")
    (tmp_path / "data" / "processed" / "manifest.json").write_text("{}", encoding="utf-8")
    return {"SQLITE_DATABASE": str(tmp_path / "data" / "ecommerce.db")}


def test_two_runs_the_same_day_keep_both_sets(template_db: Path, tmp_path: Path) -> None:
    env = _shop(template_db, tmp_path)
    first = run_cli("backup", cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    names = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert len(names) == 2 and all(RUN.match(n) for n in names), names  # the database and the index
    second = run_cli("backup", cwd=tmp_path, env=env)
    assert second.returncode == 0, second.stderr
    after = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert len(after) == 4 and set(names) < set(after)
    assert len([n for n in after if n.startswith("index.")]) == 2


def test_a_name_taken_in_the_same_second_gets_a_suffix(tmp_path: Path) -> None:
    (tmp_path / "ecommerce.db.20261126-031500").write_bytes(b"x")
    (tmp_path / "index.20261126-031500.tar.gz").write_bytes(b"x")
    assert unused(tmp_path / "ecommerce.db.20261126-031500").name == "ecommerce.db.20261126-031500-2"
    assert unused(tmp_path / "index.20261126-031500.tar.gz").name == "index.20261126-031500-2.tar.gz"
    assert unused(tmp_path / "csv_data.20261126-031500.tar.gz").name == "csv_data.20261126-031500.tar.gz"


def test_old_backups_are_pruned_by_age_from_the_environment(template_db: Path, tmp_path: Path) -> None:
    env = _shop(template_db, tmp_path)
    backups = tmp_path / "backups"
    backups.mkdir()
    old, recent, other = (backups / "ecommerce.db.20261101-031500", backups / "index.20261120-031500.tar.gz",
                          backups / "notes.txt")
    for path, days in ((old, 10), (recent, 2), (other, 100)):
        path.write_bytes(b"x")
        moment = time.time() - days * 86_400
        os.utime(path, (moment, moment))
    result = run_cli("backup", cwd=tmp_path, env={**env, "BACKUP_KEEP_DAYS": "7"})
    assert result.returncode == 0, result.stderr
    assert "보존 기간(7일)" in result.stdout and "1개 삭제" in result.stdout
    assert not old.exists() and recent.exists() and other.exists()


def test_a_bad_retention_is_one_line(tmp_path: Path) -> None:
    result = run_cli("backup", cwd=tmp_path, env={"BACKUP_KEEP_DAYS": "0"})
    assert result.returncode == 2 and "backup.keep_days" in one_line_error(result)
