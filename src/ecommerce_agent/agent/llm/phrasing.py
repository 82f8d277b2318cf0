"""Phrasing: the LLM rewrites the template reply in natural Korean 존댓말 from
the same grounded facts, and ``grounding.check`` decides whether it may be sent.

The LLM sees the template reply, the cards shown with it (Korean labels, KST
dates, 원 amounts) and the cited sources — never the shopper's message or the
conversation. Its text replaces the template only if it passes the grounding
check; otherwise (``rejected``) or on any failure the template is sent. The
output guardrails run afterwards on whatever is sent.
"""

from __future__ import annotations

from typing import Final

from .client import Answer, Check, Refusal
from .grounding import Grounding, card_view, check

_QUOTES: Final = {'"': '"', "'": "'", "“": "”", "‘": "’"}
SYSTEM_PROMPT: Final = (
    "당신은 한국어 쇼핑몰의 고객상담원입니다. [초안]은 시스템이 확인된 사실만으로 만든 답변입니다. "
    "초안을 같은 뜻의 자연스럽고 정중한 존댓말로 다듬어, 고객에게 보낼 답변만 출력하세요.\n"
    "규칙:\n"
    "- [초안]·[카드]·[출처 문서]에 없는 금액, 날짜, 기간(일·개월), 비율(%), 시각, 조항 번호, 주문 상태를 쓰지 마세요. "
    "숫자와 금액은 초안의 표기 그대로 쓰세요.\n"
    "- 주문번호와 문의번호는 하나도 빼거나 바꾸지 말고 그대로 쓰세요.\n"
    "- 초안에 없는 조치나 약속(취소, 환불, 교환, 보상 등)을 새로 제안하지 말고, 초안의 가능·불가 판단을 바꾸지 마세요.\n"
    "- 확인 질문이 있으면 물음표로 묻고, '네' 또는 '아니요'로 답해 달라는 안내를 남기세요.\n"
    "- [초안]에 출처가 있으면 그 「문서 제목」을 그대로 남기세요.\n"
    "- 목록은 줄을 나눠 그대로 두고 간결하게 쓰세요. 인사말, 서명, 마크다운은 쓰지 마세요.")


def messages(grounding: Grounding) -> list[dict[str, str]]:
    parts = [f"[초안]\n{grounding.text}"]
    if grounding.cards:
        parts.append("[카드]\n" + "\n".join(
            "- " + ", ".join(f"{k}: {v}" for k, v in card_view(c).items()) for c in grounding.cards))
    if grounding.citations:
        parts.append("[출처 문서]\n" + "\n".join(f"- 「{c.get('title', '')}」 {c.get('section') or ''}".rstrip()
                                          for c in grounding.citations))
    parts.append("[확인 대기]\n" + ("예 — 고객의 '네'/'아니요' 답을 묻는 질문을 반드시 남기세요"
                                  if grounding.pending_action else "아니요"))
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": "\n\n".join(parts)}]


def reply_text(answer: Answer) -> str:
    """The model's reply, without wrapping quotes or a code fence."""
    text = (answer.content or "").strip()
    if text.startswith("```") and text.endswith("```"):
        text = text.strip("`").strip()
    if len(text) >= 2 and _QUOTES.get(text[0]) == text[-1]:
        text = text[1:-1].strip()
    return text


def checker(grounding: Grounding) -> Check:
    """The client's check for one turn: unusable → ``invalid``, ungrounded → ``rejected``."""

    def verdict(answer: Answer) -> Refusal | None:
        if answer.finish_reason == "length":
            return Refusal("invalid", ("truncated",))
        if answer.tool_name is not None or not (answer.content or "").strip():
            return Refusal("invalid", ("no_text",))
        reasons = check(reply_text(answer), grounding)
        return Refusal("rejected", reasons) if reasons else None

    return verdict
