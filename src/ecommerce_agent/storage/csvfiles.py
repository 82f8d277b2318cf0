"""CSV table files: validated reading and crash-safe writing.

A write goes to a temporary file in the same directory, is flushed and
fsync'ed, then atomically renamed over the old file (and the directory is
fsync'ed), so a reader sees either the old or the new file, never half of one,
and a crash at any moment leaves a complete file behind.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import DataValidationError, StorageUnavailableError
from .rows import COLUMNS, PRIMARY_KEYS, TABLES, Row, format_value, parse_row

csv.field_size_limit(10 * 1024 * 1024)


def table_path(directory: Path, table: str) -> Path:
    return directory / f"{table}.csv"


def read_table(path: Path, table: str) -> Iterator[tuple[int, Row]]:
    """Yield ``(line, row)`` for validated, typed rows; raise ``DataValidationError``
    (file, line, column) at the first bad one."""
    expected = COLUMNS[table]
    seen: set[tuple[object, ...]] = set()
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            # Columns added by later schema versions are nullable: older files may lack them.
            missing = [c for c in expected if c not in header and not TABLES[table].c[c].nullable]
            if missing:
                raise DataValidationError(f"헤더에 열이 없습니다: {', '.join(missing)}",
                                          file=path.name, line=1, column=missing[0])
            extra = [c for c in header if c not in expected]
            if extra:
                raise DataValidationError(f"알 수 없는 열입니다: {', '.join(extra)}",
                                          file=path.name, line=1, column=extra[0])
            for raw in reader:
                line = reader.line_num
                if None in raw:  # more fields than the header
                    raise DataValidationError("헤더보다 값이 많습니다", file=path.name, line=line,
                                              column=expected[-1])
                row = parse_row(table, raw, file=path.name, line=line)
                key = tuple(row[k] for k in PRIMARY_KEYS[table])
                if key in seen:
                    raise DataValidationError(f"기본 키가 중복되었습니다: {key if len(key) > 1 else key[0]}",
                                              file=path.name, line=line, column=PRIMARY_KEYS[table][0])
                seen.add(key)
                yield line, row
    except UnicodeDecodeError as exc:
        raise DataValidationError(f"UTF-8로 읽을 수 없습니다 (바이트 {exc.start})", file=path.name,
                                  line=0, column="-") from None
    except csv.Error as exc:
        raise DataValidationError(f"CSV 형식 오류: {exc}", file=path.name, line=0, column="-") from None


def write_table(path: Path, table: str, rows: Iterable[Row]) -> int:
    """Atomically replace ``path`` with ``rows``; return the number written."""
    columns = COLUMNS[table]
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    count = 0
    try:
        with open(tmp, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for row in rows:
                writer.writerow([format_value(row.get(c)) for c in columns])
                count += 1
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        _fsync_directory(path.parent)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StorageUnavailableError(f"CSV 파일 '{path}'을(를) 쓸 수 없습니다: {exc.strerror or exc}") from None
    return count


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
