"""The committed model on the held-out split (never used for training or tuning)."""

from __future__ import annotations

import pytest

from ecommerce_agent.nlu.engine import Nlu
from ecommerce_agent.nlu.training import Evaluation, evaluate, load_examples

from .conftest import TEST


@pytest.fixture(scope="module")
def heldout(nlu: Nlu) -> Evaluation:
    return evaluate(nlu.understand, load_examples(TEST))


def test_intent_accuracy_on_the_heldout_split(heldout: Evaluation) -> None:
    assert heldout.n == 533
    assert heldout.accuracy >= 0.93, heldout.errors[:20]
    assert heldout.macro_f1 >= 0.90


def test_every_order_id_is_extracted(heldout: Evaluation) -> None:
    correct, total = heldout.slot_exact["order_id"]
    assert total >= 60 and correct == total


def test_ticket_ids_are_extracted(heldout: Evaluation) -> None:
    correct, total = heldout.slot_exact["ticket_id"]
    assert total > 0 and correct == total
