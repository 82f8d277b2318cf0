"""Index reloads that reach every worker of this host.

``IndexFollower`` keeps this process's ``IndexStore`` on the generation that
``reload.generation`` names (``search/generation.py``): ``reload_all()`` (the
admin endpoint, SIGHUP) reloads here and bumps the generation; ``follow()``,
called per request by ``FollowIndexGeneration`` at most every
``CHECK_INTERVAL_SECONDS``, reloads a worker that is behind.
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from ..errors import AppError
from ..search import IndexStore
from ..search.generation import GenerationFile, Throttle

log = logging.getLogger(__name__)
CHECK_INTERVAL_SECONDS = 0.25  # a stat() per worker at most this often: reloads show within it


class IndexFollower:
    def __init__(self, store: IndexStore, *, interval: float = CHECK_INTERVAL_SECONDS) -> None:
        self.store = store
        self.generation = GenerationFile(store.index_dir)
        self.applied = self.generation.read()  # start-up loaded the index as it is now
        self.throttle = Throttle(interval)
        self._lock = threading.Lock()

    def behind(self) -> bool:
        return self.throttle.due() and self.generation.read() != self.applied

    def follow(self) -> None:
        """Catch up with the generation another process published (never raises:
        a failed reload keeps the old index serving, logged by the store)."""
        with self._lock:
            wanted = self.generation.read()
            if wanted == self.applied:
                return
            changed = self.store.reload_if_changed()
            self.applied = wanted
        log.info("search index reload (generation %s)", wanted,
                 extra={"event": "index_reload", "changed": changed, "generation": wanted})

    def reload_all(self) -> bool:
        """Reload here (raising ``SearchIndexError`` if the index is missing or
        broken, nothing published then) and tell the other workers."""
        with self._lock:
            changed = self.store.reload() if self.store.loaded else (self.store.load() or True)
            self.applied = self.generation.bump()
        log.info("search index reload (generation %s)", self.applied,
                 extra={"event": "index_reload", "changed": changed, "generation": self.applied})
        return changed

    def health(self) -> dict[str, Any]:
        return {**self.store.health(), "generation": self.applied}


class FollowIndexGeneration:
    """ASGI middleware: before a request, a worker that is behind reloads."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            follower = getattr(scope["app"].state, "index_follower", None) if "app" in scope else None
            if follower is not None and follower.behind():
                await run_in_threadpool(follower.follow)
        await self.app(scope, receive, send)


def reload_on_sighup(follower: IndexFollower) -> None:
    """`kill -HUP <pid>` reloads the index in that process and, through the
    generation, in every other worker of the host."""
    def handler(signum: int, frame: object) -> None:
        threading.Thread(target=_safe_reload_all, args=(follower,), daemon=True).start()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGHUP, handler)


def _safe_reload_all(follower: IndexFollower) -> None:
    try:
        follower.reload_all()
    except AppError as exc:
        log.error("search index reload failed: %s", exc.message, extra={"event": "index_reload_failed"})
