"""Grading the agent's replies to policy questions (tests/data/answers_*.jsonl).

One line per question: ``{"id", "question", "answerable", "sources": [doc ids],
"facts": [[alternatives], ...], "answer": "yes"|"no"|null, "forbidden": [...],
"type", "doc"}``, and optionally ``"context": [messages]``: what the shopper said before in the
same conversation (an elliptical follow-up such as "쿠폰은요?" is asked after them).

An answerable question is
* ``correct``: every fact group has an alternative in the reply, the answer is
  led with when one is given (the reply starts with 네/아니요, or states 가능/불가
  in its first sentence), nothing forbidden is said and the first citation is
  one of ``sources``;
* ``wrong``: it cites another document, leads with the opposite answer, or says
  something forbidden;
* ``false_non_answer``: the agent said the documents do not answer it (no citation);
* ``partial``: otherwise (right source, some fact or the lead missing).

An unanswerable question is ``honest`` when the agent does not answer from the
documents (no citation) and ``invented`` otherwise.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

YES_LEAD = re.compile(r"^\s*(네|예|맞습니다)")
NO_LEAD = re.compile(r"^\s*(아니요|아니오|아뇨)")
FIRST_SENTENCE = re.compile(r"^[^.!?\n]*")
CAN = re.compile(r"가능합니다|가능해요|수 있습니다|됩니다")
CANNOT = re.compile(r"불가|수 없습니다|않습니다|어렵습니다|안 됩니다")
GRADES = ("correct", "partial", "wrong", "false_non_answer")


def load_questions(path: Path) -> list[dict[str, Any]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                raise ValueError(f"{path}:{n}: JSON 형식이 아닙니다") from None
    return rows


def norm(text: str) -> str:
    """Spaces and thousands separators do not matter ("3,000 원" = "3000원")."""
    return re.sub(r"(?<=\d),(?=\d{3})", "", re.sub(r"\s+", "", text))


def led_with(reply: str, answer: str) -> bool | None:
    """True when the reply leads with ``answer``, False when with the opposite,
    None when it leads with neither."""
    if YES_LEAD.match(reply):
        return answer == "yes"
    if NO_LEAD.match(reply):
        return answer == "no"
    first = FIRST_SENTENCE.match(reply.strip())
    sentence = first.group(0) if first else ""
    if CANNOT.search(sentence):
        return answer == "no"
    if CAN.search(sentence):
        return answer == "yes"
    return None


def grade(question: dict[str, Any], reply: str, citations: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """(grade, reasons)."""
    answered = bool(citations)
    if not question.get("answerable", True):
        return ("invented", [f"cited {citations[0]['doc_id']}"]) if answered else ("honest", [])
    if not answered:
        return "false_non_answer", ["no citation"]
    reasons: list[str] = []
    wrong = False
    text = norm(reply)
    cited = citations[0]["doc_id"]
    if cited not in question.get("sources", []):
        wrong = True
        reasons.append(f"cited {cited} not in {question.get('sources')}")
    for phrase in question.get("forbidden") or []:
        if norm(phrase) in text:
            wrong = True
            reasons.append(f"forbidden {phrase!r}")
    answer = question.get("answer")
    if answer in ("yes", "no"):
        lead = led_with(reply, answer)
        if lead is False:
            wrong = True
            reasons.append(f"led with the opposite of {answer}")
        elif lead is None:
            reasons.append(f"did not lead with {answer}")
    for group in question.get("facts") or []:
        alternatives = group if isinstance(group, list) else [group]
        if not any(norm(str(a)) in text for a in alternatives):
            reasons.append(f"missing {alternatives}")
    if wrong:
        return "wrong", reasons
    return ("correct", []) if not reasons else ("partial", reasons)


@dataclass
class Report:
    grades: Counter[str] = field(default_factory=Counter)
    unanswerable: Counter[str] = field(default_factory=Counter)
    by_doc: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    by_type: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, question: dict[str, Any], result: str, reasons: list[str], reply: str) -> None:
        if question.get("answerable", True):
            self.grades[result] += 1
            self.by_doc[str(question.get("doc") or (question.get("sources") or ["-"])[0])][result] += 1
        else:
            self.unanswerable[result] += 1
        self.by_type[str(question.get("type", "-"))][result] += 1
        if result not in ("correct", "honest"):
            self.errors.append({"id": question.get("id"), "question": question["question"], "grade": result,
                                "reasons": reasons, "reply": reply})

    def rates(self) -> dict[str, float]:
        n = sum(self.grades.values()) or 1
        u = sum(self.unanswerable.values())
        out = {g: self.grades[g] / n for g in GRADES}
        out["honest"] = self.unanswerable["honest"] / u if u else float("nan")
        return out

    def summary(self) -> dict[str, Any]:
        return {"answerable": sum(self.grades.values()), "unanswerable": sum(self.unanswerable.values()),
                **{k: round(v, 4) for k, v in self.rates().items()}}
