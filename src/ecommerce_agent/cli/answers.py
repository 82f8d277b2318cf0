"""`eval-answers`: policy answers graded on the answer question sets (issue #12)."""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import replace
from pathlib import Path

from ..config import Settings
from ..errors import ConfigError
from .output import table


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("eval-answers", help="정책 답변 평가: 정답·부분·오답·거짓 무응답, 무응답 정직도")
    p.add_argument("--set", choices=("dev", "holdout", "all"), default="dev", help="질문 세트 (기본 dev)")
    p.add_argument("--errors", type=int, default=0, help="틀린 답 N개를 그대로 출력")
    p.add_argument("--file", type=Path, help="다른 질문 파일(JSONL)")
    p.add_argument("--baseline", action="store_true", help="비교용: 답변기 없이(예전 방식: 문단 인용) 평가")
    p.set_defaults(handler=evaluate)


def evaluate(args: argparse.Namespace, settings: Settings) -> int:
    from ..agent.answers.evaluate import SETS, run_questions
    from ..agent.answers.grading import load_questions
    from ..agent.evaluation import seed_template
    from ..agent.factory import AgentParts
    from .agent import _scenario_search

    if args.file:
        chosen = {"file": args.file}
    else:
        chosen = {k: v for k, v in SETS.items() if args.set in (k, "all")}
    sets = {}
    for name, path in chosen.items():
        if not path.exists():
            raise ConfigError(f"질문 파일이 없습니다: {path}")
        sets[name] = load_questions(path)
    with tempfile.TemporaryDirectory(prefix="eval-answers-") as tmp:
        template = Path(tmp) / "template.db"
        seed_template(template)
        search = _scenario_search(settings, template, Path(tmp) / "index")
        if search is None:
            raise ConfigError("검색 색인을 만들 수 없어 정책 답변을 평가할 수 없습니다.")
        parts = AgentParts.load(settings, search=search)
        if args.baseline:
            parts = replace(parts, answerer=None)
        reports = {name: run_questions(parts, template, questions) for name, questions in sets.items()}
    for name, report in reports.items():
        r = report.rates()
        print(f"\n[{name}] 답할 수 있는 질문 {sum(report.grades.values())}개, 답할 수 없는 질문 "
              f"{sum(report.unanswerable.values())}개")
        print(table([("정답(correct)", f"{r['correct']:.3f}"), ("부분(partial)", f"{r['partial']:.3f}"),
                     ("오답(wrong)", f"{r['wrong']:.3f}"), ("거짓 무응답(false non-answer)", f"{r['false_non_answer']:.3f}"),
                     ("무응답 정직도(honest)", f"{r['honest']:.3f}")], ("항목", "값")))
        rows = [(t, sum(c.values()), c["correct"], c["partial"], c["wrong"], c["false_non_answer"],
                 c["honest"], c["invented"]) for t, c in sorted(report.by_type.items())]
        print(table(rows, ("유형", "질문", "정답", "부분", "오답", "거짓 무응답", "정직", "지어냄")))
        rows = [(d, sum(c.values()), c["correct"], c["partial"], c["wrong"], c["false_non_answer"])
                for d, c in sorted(report.by_doc.items())]
        print(table(rows, ("문서", "질문", "정답", "부분", "오답", "거짓 무응답")))
        for error in report.errors[:args.errors]:
            print(f"\n- {error['id']} [{error['grade']}] {error['question']}\n  이유: {'; '.join(error['reasons'])}"
                  f"\n  답변: {error['reply']}")
    return 0
