"""One NLU per test session: the committed model, loaded once (Kiwi ~1 s, model
~0.1 s, e5 encoder ~0.2 s)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecommerce_agent.nlu.engine import Nlu

ROOT = Path(__file__).resolve().parents[2]
MODEL_DIR = ROOT / "data" / "nlu" / "model"
TRAIN = ROOT / "data" / "nlu" / "train.jsonl"
TEST = ROOT / "data" / "nlu" / "test.jsonl"


@pytest.fixture(scope="session")
def nlu() -> Nlu:
    """The shipped configuration: first stage plus the e5 second stage."""
    from ecommerce_agent.search.encoder import load_encoder

    return Nlu.load(MODEL_DIR, encoder=load_encoder("e5-small", threads=1, cache_size=4096))


@pytest.fixture(scope="session")
def fast_nlu() -> Nlu:
    """First stage only (no e5), for tests that do not need the second stage."""
    return Nlu.load(MODEL_DIR)
