"""The reply: the direct answer first, tables as lines and cards, every part answered, the source."""

from __future__ import annotations

from ecommerce_agent.agent.answers.compose import Lead, choose_lead, compose, polarity
from ecommerce_agent.agent.answers.lexicon import Lexicon
from ecommerce_agent.agent.answers.question import read_question
from ecommerce_agent.agent.answers.sections import SectionStore, parse_section

TABLE_SECTION = """상품을 구매하시면 1%가 적립됩니다. 등급별 적립률은 다음과 같습니다.

| 회원 등급 | 구매 적립률 |
|---|---|
| 일반 | 1% |
| VIP | 5% |

1포인트는 1원과 같습니다."""


def test_tables_become_lines_and_cards_never_pipes() -> None:
    section = parse_section("points-policy", "적립금 정책", "구매 적립금 적립률", TABLE_SECTION)
    assert len(section.tables) == 1
    table = section.tables[0]
    assert table.lines() == ["- 일반: 구매 적립률 1%", "- VIP: 구매 적립률 5%"]
    assert table.card("t") == {"type": "table", "title": "t", "columns": ["회원 등급", "구매 적립률"],
                               "rows": [["일반", "1%"], ["VIP", "5%"]]}
    assert all("|" not in s for s in section.sentences)
    text, _ = compose([(section, Lead(section.sentences[0], None, section.sentences[0]))])
    assert "|" not in text and "- VIP: 구매 적립률 5%" in text
    assert text.endswith("출처: 「적립금 정책」 구매 적립금 적립률")


def test_every_real_table_is_parsed(sections: SectionStore) -> None:
    tables = [t for s in sections.sections for t in s.tables]
    assert len(tables) >= 6
    for table in tables:
        assert all(len(row) == len(table.columns) for row in table.rows)
        assert not any(set(cell) <= {"-", ":"} for row in table.rows for cell in row)


def test_yes_or_no_first(lexicon: Lexicon, sections: SectionStore) -> None:
    section = sections.get("shipping-fee", "해외 배송 지원 여부")
    assert section is not None
    q = read_question("해외로도 보내주나요?", lexicon)
    lead = choose_lead(section, q, ["해외"], {}, None)
    assert lead.text.startswith("아니요, ") and lead.verdict == "no"
    assert polarity("적립금은 쿠폰과 함께 사용하실 수 있습니다.") == "yes"
    payer = read_question("불량이면 배송비 제가 내요?", lexicon)
    assert polarity("회수와 재발송 배송비는 모두 저희 쇼핑몰이 부담합니다.", payer) == "no"


def test_two_parts_both_answered_with_both_sources(sections: SectionStore) -> None:
    fee = sections.get("return-shipping-fee", "단순 변심 반품 배송비")
    days = sections.get("refund-policy", "환불 처리 기한(3영업일)")
    assert fee is not None and days is not None
    text, _ = compose([(fee, Lead("왕복 6,000원입니다.", None, None)), (days, Lead("3영업일 이내입니다.", None, None))])
    first_line, second_line = text.splitlines()[:2]
    assert first_line == "왕복 6,000원입니다." and second_line == "3영업일 이내입니다."
    assert "「반품 배송비 안내」 단순 변심 반품 배송비" in text and f"「{days.title}」 {days.heading}" in text


def test_lists_stay_lists_and_items_read_with_their_intro(lexicon: Lexicon, sections: SectionStore) -> None:
    section = sections.get("non-returnable-items", "사용·개봉으로 가치가 크게 떨어진 상품")
    assert section is not None
    q = read_question("향수 뚜껑 열어서 뿌려봤는데 반품되나요", lexicon)
    lead = choose_lead(section, q, ["향수"], {}, None)
    assert lead.text.startswith("아니요, ") and "어렵습니다: 개봉하거나 사용한 화장품, 향수" in lead.text
    text, _ = compose([(section, lead)])
    assert "\n- 포장을 뜯었거나 일부를 섭취한 식품, 건강기능식품\n" in text
