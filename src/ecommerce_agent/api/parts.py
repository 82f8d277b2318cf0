"""The heavy read-only parts of a worker: search index and encoder, Kiwi, the NLU
model, the policy answerer.

Each process loads them once. Under gunicorn the master loads them before it
forks the workers (``preload``, called from ``gunicorn.conf.py``), so every worker
starts with them already in memory and shares their pages copy-on-write: Kiwi's
model alone is about 500 MB, which would otherwise be paid once per worker.
The per-worker lifespan (``app.py``) then only opens what must not cross a fork
(database connections, the lock files, the LLM client's sockets are opened lazily).
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ..agent.factory import AgentParts
from ..agent.llm.config import LlmConfig
from ..config import Settings
from ..errors import AppError
from ..search import Encoder, IndexStore, load_encoder

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Parts:
    search: IndexStore
    agent: AgentParts | None
    agent_error: str | None  # why the agent could not be loaded (chat answers 503 then)


_preloaded: dict[str, Parts] = {}


@lru_cache(maxsize=2)
def _encoder(name: str, threads: int, cache_size: int) -> Encoder | None:
    """The embedding model, loaded once per process (about a second) and shared by apps."""
    return load_encoder(name, threads=threads, cache_size=cache_size)


def open_search(settings: Settings) -> IndexStore:
    """The search index; a missing or broken one leaves the service up (degraded,
    not ready) with a logged reason, until `build-index` and a reload fix it."""
    section = settings.search
    store = IndexStore.from_settings(settings, encoder=_encoder(section.encoder, section.encoder_threads,
                                                                section.query_cache_size))
    try:
        store.load()
    except AppError as exc:
        log.warning("search index not loaded: %s", exc.message, extra={"event": "index_unavailable"})
    return store


def load_parts(settings: Settings, llm_config: LlmConfig) -> Parts:
    """What the master preloaded for these settings, else loaded now."""
    found = _preloaded.get(_key(settings))
    if found is not None:
        _catch_up(found.search)
        return found
    search = open_search(settings)
    # Kiwi builds about 200 MB of its model lazily on its first analysis (~1 s):
    # done before the service says it is ready, not in the first shopper's request
    _warm(search.analyzer.analyze)
    try:
        return Parts(search, AgentParts.load(settings, search=search, llm_config=llm_config), None)
    except AppError as exc:
        log.warning("agent not loaded: %s", exc.message, extra={"event": "agent_unavailable"})
        return Parts(search, None, exc.message)


def limit_malloc_arenas(arenas: int = 2) -> None:
    """glibc gives each thread that allocates its own malloc arena; a worker answers
    from a pool of threads, and the arenas' free-but-kept pages grew one worker by
    ~80 MB under load (~60 MB with 2 arenas, measured by `make bench-http`). Called
    before the server starts its threads; a no-op where glibc is absent."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name:
        return
    try:
        ctypes.CDLL(name).mallopt(-8, arenas)  # M_ARENA_MAX
    except (OSError, AttributeError):
        pass


def preload(settings: Settings, llm_config: LlmConfig) -> Parts:
    """Load the parts in this process for the workers it will fork.
    ``gc.freeze`` keeps the collector from writing to (and so un-sharing) every
    object loaded so far."""
    parts = load_parts(settings, llm_config)
    _preloaded[_key(settings)] = parts
    gc.freeze()
    return parts


def _catch_up(store: IndexStore) -> None:
    """A worker forked after the index was rebuilt (a restart by `kill -HUP` to the
    master, a worker replaced later) reads the index as it is now, not as the
    master loaded it. A stat when nothing changed."""
    if store.loaded:
        store.reload_if_changed()
        return
    try:
        store.load()
    except AppError as exc:
        log.warning("search index not loaded: %s", exc.message, extra={"event": "index_unavailable"})


def _warm(analyze: Callable[[str], object]) -> None:
    analyze("주문 배송 조회")


def _key(settings: Settings) -> str:
    return settings.model_dump_json()
