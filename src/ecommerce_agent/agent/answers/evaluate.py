"""``ecommerce-agent eval-answers``: every question through the real agent
(``Agent.handle``, a fresh conversation each, demo@example.com in the scenario
shop at the scenario clock), graded by ``grading.grade``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..evaluation import ANCHOR, shop_copy
from .grading import Report, grade

SETS = {"dev": Path("tests/data/answers_dev.jsonl"), "holdout": Path("tests/data/answers_holdout.jsonl")}


def run_questions(parts: Any, template: Path, questions: list[dict[str, Any]], *,
                  on_reply: Callable[[dict[str, Any], Any], None] | None = None) -> Report:
    report = Report()
    with shop_copy(template) as repo:
        user = repo.get_user_by_email("demo@example.com")
        assert user is not None
        agent = parts.agent(repo, clock=lambda: ANCHOR)
        for question in questions:
            session = None
            for before in question.get("context") or []:  # earlier messages of the same conversation
                session = agent.handle(user, session, before).session_id
            turn = agent.handle(user, session, question["question"])
            result, reasons = grade(question, turn.reply, turn.citations)
            report.add(question, result, reasons, turn.reply)
            if on_reply is not None:
                on_reply(question, turn)
    return report


def run_direct(answerer: Any, questions: list[dict[str, Any]]) -> Report:
    """The answerer alone (no routing): what the answer layer does with each question.
    A question asked after others (``context``: "쿠폰은요?" after a points question) needs the
    conversation, so only the agent is graded on it."""
    report = Report()
    for question in questions:
        if question.get("context"):
            continue
        answer = answerer.answer(question["question"], now=ANCHOR)
        reply, citations = (answer.text, answer.citations) if answer is not None else ("", [])
        result, reasons = grade(question, reply, citations)
        report.add(question, result, reasons, reply)
    return report
