"""Is there a shop to serve? A store without users or products answers every
probe of the database and still cannot log anyone in, so `/health` reports it as
``degraded`` and `/ready` fails, with the operator's next step in Korean."""

from __future__ import annotations

import threading
import time
from typing import Any

from ..errors import AppError

NEXT_STEP = ("데모 데이터는 `ecommerce-agent seed --if-empty`로 만들고, 기존 데이터는 "
             "`ecommerce-agent migrate --csv-dir 디렉터리`로 적재하세요(SQLite에서 옮길 때는 먼저 "
             "`ecommerce-agent export-csv`; docs/operations.md의 '데이터 적재').")
# Counting rows on every probe of a big shop costs a table scan: a store seen
# holding data is believed for this long (an empty one is asked every time).
RECHECK_SECONDS = 30.0


class DataCheck:
    def __init__(self, repo: Any) -> None:
        self._repo = repo
        self._seen_full_at: float | None = None
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def __call__(self) -> dict[str, Any]:
        """``{status: ok|empty|unavailable, users, products}``."""
        with self._lock:
            fresh = self._seen_full_at is not None and time.monotonic() - self._seen_full_at < RECHECK_SECONDS
            if not fresh:
                try:
                    counts = self._repo.counts()
                except AppError as exc:
                    return {"status": "unavailable", "error": exc.message}
                self._counts = {"users": counts.get("users", 0), "products": counts.get("products", 0)}
                self._seen_full_at = time.monotonic() if all(self._counts.values()) else None
        if all(self._counts.values()):
            return {"status": "ok", **self._counts}
        return {"status": "empty", **self._counts,
                "error": f"저장소에 데이터가 없습니다(사용자 {self._counts['users']}명, "
                         f"상품 {self._counts['products']}개). {NEXT_STEP}"}

    def hint(self) -> str | None:
        """For a failed login in development: why no account can exist yet."""
        found = self()
        return found["error"] if found["status"] == "empty" else None
