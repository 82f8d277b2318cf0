"""An elliptical question ("울릉도는요?") read against the previous one."""

from __future__ import annotations

import pytest

from ecommerce_agent.nlu import Nlu
from ecommerce_agent.nlu.context import resolve_ellipsis


# the resolved question is searched, not shown: a particle left as it was ("무통장로") does no harm
@pytest.mark.parametrize(("previous", "said", "new", "gone", "kept"), [
    ("제주도는 택배비 더 받아요?", "울릉도는요", "울릉도", "제주", "택배비 더 받아요?"),
    ("주말에도 상담원 있어요?", "공휴일은요?", "공휴일", "주말", "상담원 있어요?"),
    ("카드로 결제하면 환불 며칠 걸려요?", "무통장은요", "통장", "카드", "결제하면 환불 며칠 걸려요?"),
])
def test_a_word_of_the_same_kind_replaces_the_previous_one(nlu: Nlu, previous: str, said: str, new: str,
                                                           gone: str, kept: str) -> None:
    resolved = resolve_ellipsis(nlu.understand(said), previous)
    assert new in resolved and gone not in resolved and resolved.endswith(kept)


def test_an_action_replaces_the_previous_action(nlu: Nlu) -> None:
    resolved = resolve_ellipsis(nlu.understand("교환은요?"), "단순변심 반품하면 배송비 얼마예요")
    assert "교환" in resolved and "반품" not in resolved


def test_a_word_of_no_group_is_added_to_the_previous_question(nlu: Nlu) -> None:
    resolved = resolve_ellipsis(nlu.understand("가구는요?"), "반품 배송비 얼마예요?")
    assert resolved.startswith("가구") and resolved.endswith("반품 배송비 얼마예요?")
