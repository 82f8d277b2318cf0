"""The masking scheme: labels by default, partial on request; idempotent."""

from __future__ import annotations

import pytest

from ecommerce_agent.guardrails import LABELS, PiiGuard, apply_masks, find_pii, mask_value

MESSAGE = ("주민번호 850314-1787788, 연락처 010-9876-5432, 카드 4111-1111-1111-1111, "
           "계좌 신한 110-482-339102, 메일 minji.kim92@naver.com으로, 여권번호 M723K5190 "
           "(주문 ORD-20261126-0001, 2026-11-26, 45,000원)")


def test_label_style_keeps_the_type_visible_and_nothing_else() -> None:
    assert PiiGuard().mask(MESSAGE) == (
        "주민번호 [주민등록번호], 연락처 [전화번호], 카드 [카드번호], 계좌 신한 [계좌번호], 메일 [이메일]으로, "
        "여권번호 [여권번호] (주문 ORD-20261126-0001, 2026-11-26, 45,000원)")


def test_partial_style_keeps_the_shape_shops_usually_show() -> None:
    assert PiiGuard(style="partial").mask(MESSAGE) == (
        "주민번호 850314-1******, 연락처 010-****-5432, 카드 ****-****-****-1111, 계좌 신한 ***-***-**9102, "
        "메일 mi***@naver.com으로, 여권번호 M******** (주문 ORD-20261126-0001, 2026-11-26, 45,000원)")


@pytest.mark.parametrize(("kind", "value", "partial"), [
    ("phone", "01098765432", "010****5432"),
    ("phone", "+82 10-5512-3098", "+82 10-****-3098"),
    ("phone", "02 3456 7890", "02 **** 7890"),
    ("phone", "(031)234-5678", "(031)***-5678"),
    ("rrn", "930918 - 2339078", "930918 - 2******"),
    ("card", "3782 822463 10005", "**** ****** *0005"),
    ("account", "94380200123456", "**********3456"),
    ("email", "ab@x.com", "a***@x.com"),
    ("passport", "m58320194", "m********"),
])
def test_partial_forms(kind: str, value: str, partial: str) -> None:
    assert mask_value(kind, value, "partial") == partial  # type: ignore[arg-type]
    assert mask_value(kind, value) == LABELS[kind]  # type: ignore[arg-type]


@pytest.mark.parametrize("style", ["label", "partial"])
def test_masking_is_idempotent_and_leaves_nothing_detectable(style: str) -> None:
    guard = PiiGuard(style=style)  # type: ignore[arg-type]
    once = guard.mask(MESSAGE)
    assert guard.mask(once) == once and find_pii(once) == ()


def test_the_guard_reports_types_and_spans() -> None:
    result = PiiGuard().check(MESSAGE)
    assert result.tripped and result.name == "pii"
    assert result.info["types"] == {"rrn": 1, "phone": 1, "card": 1, "account": 1, "email": 1, "passport": 1}
    assert [MESSAGE[s.start:s.end] for s in result.spans][:2] == ["850314-1787788", "010-9876-5432"]
    assert result.text == apply_masks(MESSAGE, result.spans)


def test_only_configured_types_are_masked() -> None:
    assert PiiGuard(types=("phone",)).mask("010-9876-5432 / minji@naver.com") == "[전화번호] / minji@naver.com"


def test_clean_text_is_returned_unchanged() -> None:
    result = PiiGuard().check("배송 언제 와요? 주문번호 ORD-20261126-0001")
    assert not result.tripped and result.text is None and result.spans == ()
