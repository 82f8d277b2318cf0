"""The parts a gunicorn master preloads for its workers (api/parts.py): shared,
usable in a forked child (Kiwi's thread pool would not be), and caught up with
an index rebuilt after the master loaded it."""

from __future__ import annotations

import gc
import multiprocessing
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecommerce_agent.api import parts as parts_module
from ecommerce_agent.api.parts import load_parts, preload
from ecommerce_agent.api.startup import check_settings
from ecommerce_agent.config import Settings
from ecommerce_agent.storage import open_sqlite
from tests.support.factories import product_row

pytestmark = pytest.mark.slow  # loads every model


@pytest.fixture
def own_index(settings: Settings, search_index: Path, tmp_path: Path) -> Iterator[Settings]:
    """The test's settings over a copy of the index (this test rebuilds it), and no
    preloaded parts left behind for other tests."""
    index_dir = tmp_path / "index"
    shutil.copytree(search_index, index_dir)
    yield settings.model_copy(update={"search": settings.search.model_copy(update={"index_dir": index_dir})})
    parts_module._preloaded.clear()
    gc.unfreeze()


def _search_and_answer_in_child(preloaded: parts_module.Parts) -> None:
    """In a forked worker: a search, a batch analysis (Kiwi) and a policy answer."""
    from datetime import UTC, datetime

    assert preloaded.search.search("반품 배송비", top_k=3)
    assert len(preloaded.search.analyzer.analyze_many(["교환 기간", "포인트 유효기간"])) == 2
    assert preloaded.agent is not None and preloaded.agent.answerer is not None
    preloaded.agent.answerer.answer("반품 배송비는 누가 내요?", now=datetime.now(UTC))


def test_workers_share_the_preloaded_parts_and_can_use_them_after_a_fork(own_index: Settings) -> None:
    llm_config = check_settings(own_index)[1]
    preloaded = preload(own_index, llm_config)
    assert preloaded.agent is not None and preloaded.search.loaded
    assert load_parts(own_index, llm_config) is preloaded
    child = multiprocessing.get_context("fork").Process(target=_search_and_answer_in_child, args=(preloaded,))
    child.start()
    child.join(120)
    if child.is_alive():
        child.kill()
        pytest.fail("the forked child hung (a thread pool that did not survive the fork?)")
    assert child.exitcode == 0


def test_a_worker_started_after_a_rebuild_reads_the_new_index(own_index: Settings) -> None:
    from ecommerce_agent.search import build_from_settings

    llm_config = check_settings(own_index)[1]
    preloaded = preload(own_index, llm_config)
    products = preloaded.search.health()["products"]
    repo = open_sqlite(own_index.storage.sqlite.database)
    repo.load_tables({"products": [product_row("P-PRELOAD-1")]})
    repo.close()
    build_from_settings(own_index, parts=["products"])
    assert preloaded.search.health()["products"] == products  # the master keeps what it loaded
    assert load_parts(own_index, llm_config).search.health()["products"] == products + 1
