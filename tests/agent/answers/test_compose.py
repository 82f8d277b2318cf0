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


def _lead(sections: SectionStore, lexicon: Lexicon, doc: str, heading: str, question: str,
          words: list[str]) -> Lead:
    section = sections.get(doc, heading)
    assert section is not None
    return choose_lead(section, read_question(question, lexicon), words, {}, None, lexicon=lexicon)


def test_a_restriction_of_the_case_asked_leads_a_yes_no_answer(lexicon: Lexicon, sections: SectionStore) -> None:
    # the general rule allows it, the exception about the asked case does not
    lead = _lead(sections, lexicon, "payment-methods", "신용카드·체크카드 결제와 할부", "체크카드로 할부 되나요?",
                 ["체크카드", "할부"])
    assert lead.verdict == "no" and lead.text.startswith("아니요, ")
    # a sentence about the other case, turned round ("선불로 보내 주셔야" for 착불)
    lead = _lead(sections, lexicon, "return-shipping-fee", "반품 상품 회수 방법", "변심 반품 착불로 보내도 돼요?",
                 ["반품", "착불", "보내"])
    assert lead.verdict == "no"
    # a restriction of 단순 변심 is no restriction of a defect
    lead = _lead(sections, lexicon, "non-returnable-items", "주문 제작 상품", "각인 상품인데 불량이면 반품 되죠?",
                 ["각인", "상품", "불량", "반품"])
    assert lead.verdict == "yes"
    # an exception that adds a condition the question does not name leaves the answer yes
    lead = _lead(sections, lexicon, "account-withdrawal", "탈퇴 후 재가입", "탈퇴했던 이메일로 다시 가입 되나",
                 ["탈퇴", "이메일", "가입"])
    assert lead.verdict == "yes"


def test_prohibitions_penalties_and_soft_restrictions_say_no(lexicon: Lexicon) -> None:
    ask = read_question("예전 계좌로 입금해도 돼요?", lexicon)
    assert polarity("예전 주문의 계좌로 입금하지 마세요.", ask) == "no"
    assert polarity("택을 제거하시면 반품이 제한될 수 있습니다.", ask) == "no"
    wear = read_question("잘못 온 옷 입어봐도 돼요?", lexicon)
    assert polarity("사용하시거나 훼손하시면 비용을 청구할 수 있습니다.", wear) == "no"
    assert polarity("회수 전까지 보관해 주세요.", wear) == "yes"


def test_free_of_charge_questions_turn_the_payer_answer(lexicon: Lexicon) -> None:
    free = read_question("제주도 반품 배송비 공짜죠?", lexicon)
    pays = read_question("제주도 반품 배송비 제가 내요?", lexicon)
    sentence = "단순 변심 반품 배송비는 고객님이 부담하십니다."
    assert polarity(sentence, pays) == "yes" and polarity(sentence, free) == "no"


def test_a_clause_ending_in_its_own_verb_answers_when_it_names_what_is_asked(lexicon: Lexicon) -> None:
    from ecommerce_agent.agent.answers.compose import clause_for

    lost = read_question("탈퇴하면 등급도 날아가나요", lexicon)
    sentence = "탈퇴하시면 보유하신 적립금(포인트), 쿠폰, 회원 등급이 모두 소멸되며, 다시 가입하셔도 복구되지 않습니다."
    assert polarity(clause_for(sentence, lost, ["등급", "소멸"], {"날아가": {"소멸"}}), lost) == "yes"
    # the first clause does not name 마케팅: the answer is the clause after it
    used = read_question("분리 보관한 거래기록으로 마케팅 하시나요?", lexicon)
    sentence = ("법령에 따라 분리 보관하는 거래 기록은 분쟁 해결 등 법령이 정한 경우에만 열람되며, "
                "마케팅이나 서비스 개선에는 이용하지 않습니다.")
    assert polarity(clause_for(sentence, used, ["분리", "보관", "거래", "기록", "마케팅"], {}), used) == "no"
