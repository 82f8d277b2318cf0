"""Session-wide heavy objects: Kiwi and the e5 model load once, the real policy
corpus is indexed once (its vectors are cached across sessions in pytest's cache
directory, so only the first run on a machine pays for embedding it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ecommerce_agent.search.analysis import Analyzer
from ecommerce_agent.search.encoder import E5Encoder
from ecommerce_agent.search.store import IndexStore
from tests.search.support import ROOT, DiskCachedEncoder, FakeEncoder, build_policies

POLICIES = ROOT / "data" / "policies"
EVAL_FILE = ROOT / "tests" / "data" / "policy_eval.jsonl"
HOLDOUT_FILE = ROOT / "tests" / "data" / "policy_eval_holdout.jsonl"  # never tuned on


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    return Analyzer()


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder()


@pytest.fixture(scope="session")
def e5(request: pytest.FixtureRequest) -> Iterator[DiskCachedEncoder]:
    cache = getattr(request.config, "cache", None)
    directory = cache.mkdir("ecommerce-agent-e5") if cache is not None else None
    encoder = DiskCachedEncoder(E5Encoder(threads=0), directory)
    yield encoder
    encoder.save()


@pytest.fixture(scope="session")
def real_index(tmp_path_factory: pytest.TempPathFactory, analyzer: Analyzer,
               e5: DiskCachedEncoder) -> Path:
    """The repository's policy corpus, indexed with the real model."""
    index_dir = tmp_path_factory.mktemp("real-index")
    build_policies(index_dir, analyzer, e5, policies=POLICIES)
    return index_dir


@pytest.fixture(scope="session")
def real_store(real_index: Path, analyzer: Analyzer, e5: DiskCachedEncoder) -> IndexStore:
    store = IndexStore(real_index, encoder=e5, analyzer=analyzer)
    store.load()
    return store


@pytest.fixture
def fixture_index(tmp_path: Path, analyzer: Analyzer, fake_encoder: FakeEncoder) -> Path:
    """The three small fixture documents, indexed with the fake encoder."""
    index_dir = tmp_path / "index"
    build_policies(index_dir, analyzer, fake_encoder)
    return index_dir
