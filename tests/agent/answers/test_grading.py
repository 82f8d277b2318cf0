"""How eval-answers grades a reply."""

from __future__ import annotations

from ecommerce_agent.agent.answers.grading import Report, grade, led_with

Q = {"id": "x", "question": "q", "answerable": True, "sources": ["shipping-fee"], "facts": [["3,000원", "3천원"]],
     "answer": "yes", "forbidden": ["5,000원"], "type": "yesno", "doc": "shipping-fee"}
CITED = [{"doc_id": "shipping-fee"}]


def test_grades() -> None:
    assert grade(Q, "네, 배송비는 3000 원입니다.", CITED) == ("correct", [])
    assert grade(Q, "배송비는 3,000원입니다.", CITED)[0] == "partial"  # no 네 first
    assert grade(Q, "네, 배송비가 있습니다.", CITED)[0] == "partial"  # a fact missing
    assert grade(Q, "아니요, 3,000원입니다.", CITED)[0] == "wrong"  # the opposite answer
    assert grade(Q, "네, 3,000원, 도서산간은 5,000원", CITED)[0] == "wrong"  # forbidden
    assert grade(Q, "네, 3,000원", [{"doc_id": "faq"}])[0] == "wrong"  # another source
    assert grade(Q, "죄송하지만 찾지 못했습니다.", [])[0] == "false_non_answer"
    unanswerable = {**Q, "answerable": False}
    assert grade(unanswerable, "죄송하지만 찾지 못했습니다.", [])[0] == "honest"
    assert grade(unanswerable, "네, 됩니다.", CITED)[0] == "invented"


def test_leading_answer() -> None:
    assert led_with("네, 가능합니다.", "yes") is True
    assert led_with("아니요, 안 됩니다.", "yes") is False
    assert led_with("해외 배송은 하지 않습니다. 국내만 됩니다.", "no") is True
    assert led_with("배송비는 3,000원입니다.", "no") is None


def test_report_rates_split_answerable_and_not() -> None:
    report = Report()
    report.add(Q, "correct", [], "")
    report.add(Q, "wrong", ["x"], "")
    report.add({**Q, "answerable": False}, "honest", [], "")
    rates = report.rates()
    assert rates["correct"] == 0.5 and rates["wrong"] == 0.5 and rates["honest"] == 1.0
    assert report.by_type["yesno"]["correct"] == 1 and len(report.errors) == 1
