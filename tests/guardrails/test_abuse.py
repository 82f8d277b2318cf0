"""Abuse: detected through evasions, answered calmly, never blocking the request."""

from __future__ import annotations

import pytest

from ecommerce_agent.guardrails import AbuseGuard, InputGuard
from ecommerce_agent.guardrails.abuse import find_abuse
from ecommerce_agent.guardrails.text import hangul_keystrokes


@pytest.mark.parametrize(("text", "kind"), [
    ("ㅅㅂ 환불 언제 해줘", "profanity"),
    ("시1발 배송 언제 오냐고", "profanity"),
    ("시.발 진짜", "profanity"),
    ("씨 발 놈들아", "profanity"),
    ("ㅅ ㅂ 아직도 준비중이냐", "profanity"),
    ("tlqkf 왜 안되는데", "profanity"),
    ("sibal 환불해라", "profanity"),
    ("fuck this shop", "profanity"),
    ("병1신 챗봇", "insult"),
    ("개 같 은 서비스", "insult"),
    ("꺼져 상담원 바꿔", "insult"),
    ("꺼지라고 ㅗㅗ", "insult"),
    ("멍청한 AI 새끼", "insult"),
    ("니들 다 죽여버린다", "threat"),
])
def test_abuse_is_found(text: str, kind: str) -> None:
    assert kind in {m.kind for m in find_abuse(text)}


@pytest.mark.parametrize("text", [
    "짜증나요 배송이 너무 늦어요",
    "아 진짜 답답하네요 벌써 일주일째예요",
    "어이없네 또 품절이야?",
    "헐 미쳤다 이 가격 실화?",
    "개이득 ㅋㅋ 쿠폰 적용됐네요",
    "이 제품이 제 캠핑 취미의 시발점이에요",
    "18K 로즈골드 반지 사이즈 문의",
    "수박씨 발라내는 도구 있나요?",
    "전원이 자꾸 꺼져요",
    "새끼손가락 반지 있나요",
    "시바견 하네스 사이즈",
    "짜증나 죽겠네 배송 언제 와요",
    "Oh my god, so fast",
    "개새로운 디자인 너무 좋아요",
    "강아지 새끼 용품 있나요?",
])
def test_frustration_and_look_alikes_are_not_abuse(text: str) -> None:
    assert find_abuse(text) == ()


def test_keystrokes_of_hangul() -> None:
    assert hangul_keystrokes("시발") == "tlqkf" and hangul_keystrokes("괜찮아") == "rhoscksgdk"


def test_abuse_gets_a_calm_preface_and_the_request_still_goes_through() -> None:
    verdict = InputGuard.from_config().check("ㅅㅂ 환불 언제 해줘 010-9876-5432 로 연락줘")
    assert verdict.tripped == ("pii", "abuse")
    assert not verdict.blocked and verdict.refusal is None
    assert verdict.preface is not None and verdict.preface.endswith("습니다.")
    assert verdict.text == "ㅅㅂ 환불 언제 해줘 [전화번호] 로 연락줘"


def test_the_guard_reports_kinds() -> None:
    result = AbuseGuard().check("꺼져 죽여버린다")
    assert result.tripped and result.name == "abuse" and set(result.info["kinds"]) == {"insult", "threat"}
    assert not AbuseGuard().check("배송 언제 와요").tripped
