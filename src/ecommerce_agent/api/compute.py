"""Where the model work of a request runs: agent turns and searches (Kiwi, the NLU
model, the encoder) go off the event loop through one ``CapacityLimiter`` per
worker (``api.model_threads``, default 2), not the threadpool's 40.

Why a bound: that work holds the GIL, so more threads do not finish it sooner —
they interleave, every request then waits for all the others (the tail), and each
thread that has called Kiwi keeps a few MB of Kiwi's per-thread buffers while it
lives (``make bench-http``: RSS grew ~60 MB under 10 connections). Queued here,
requests are served in arrival order by a few threads; AnyIO reuses its idle
threads, so the same few threads keep calling Kiwi.

With an LLM configured a turn mostly waits on the network: turns then use the
threadpool's own limit, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread
from starlette.requests import Request

T = TypeVar("T")


def model_limiter(request: Request) -> anyio.CapacityLimiter:
    """The worker's limiter, made on first use (it belongs to the running event loop)."""
    state = request.app.state
    limiter = getattr(state, "model_limiter", None)
    if limiter is None:
        limiter = state.model_limiter = anyio.CapacityLimiter(state.settings.api.model_threads)
    return limiter


async def run_model_work(request: Request, fn: Callable[[], T], *, waits_on_network: bool = False) -> T:
    """``fn()`` in a worker thread; bounded by ``model_limiter`` unless it mostly waits
    on the network (the default threadpool limit then)."""
    limiter = None if waits_on_network else model_limiter(request)
    return await anyio.to_thread.run_sync(fn, limiter=limiter)
