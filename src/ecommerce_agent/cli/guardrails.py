"""Guardrail commands: `eval-guardrails` (labelled set → recall, precision, false positives)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..config import Settings
from ..errors import ConfigError
from ..guardrails import InputGuard, load_guardrails_config
from ..guardrails.evaluation import DEFAULT_EVAL_PATH, evaluate, load_cases
from .output import table


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("eval-guardrails", help="가드레일 평가: PII 재현율·정밀도, 인젝션·욕설 탐지율과 오탐률")
    p.add_argument("--data", type=Path, default=DEFAULT_EVAL_PATH,
                   help=f"레이블된 평가 데이터 (JSONL, 기본: {DEFAULT_EVAL_PATH})")
    p.add_argument("--guardrails-config", type=Path,
                   help="가드레일 설정 파일 (기본: configs/guardrails.yaml, 없으면 내장 기본값)")
    p.add_argument("--show-misses", action="store_true", help="놓친 것과 오탐을 사례 id별로 표시")
    p.set_defaults(handler=eval_guardrails)


def eval_guardrails(args: argparse.Namespace, settings: Settings) -> int:
    if not args.data.exists():
        raise ConfigError(f"평가 데이터 '{args.data}'이(가) 없습니다 (--data로 지정하세요).")
    config = load_guardrails_config(args.guardrails_config)
    report = evaluate(load_cases(args.data), InputGuard.from_config(config))
    rows: list[tuple[object, ...]] = [(f"PII 재현율 ({kind})", str(rate))
                                      for kind, rate in report.pii_recall_by_type.items()]
    rows += [
        ("PII 재현율 (전체)", str(report.pii_recall)),
        ("PII 정밀도", str(report.pii_precision)),
        ("유사 패턴 오탐 (주문번호·날짜·금액 등)", str(report.lookalike_false_positives)),
        ("인젝션 탐지율", str(report.injection_recall)),
        ("인젝션 오탐률 (일반 메시지)", str(report.injection_false_positives)),
        ("욕설 탐지율", str(report.abuse_recall)),
        ("욕설 오탐률 (일반 메시지)", str(report.abuse_false_positives)),
    ]
    print(f"가드레일 평가: {args.data} ({report.cases:,}건, 설정: {config.source})")
    print(table(rows, ("지표", "값")))
    if args.show_misses and report.misses:
        print("\n".join(["", "놓침·오탐:", *report.misses]))
    failures = report.failures()
    if failures:
        print("기준 미달: " + "; ".join(failures))
        return 1
    print("기준 충족: PII 재현율 ≥ 0.98, 유사 패턴 오탐 0건, 인젝션 탐지율 ≥ 0.95, 인젝션 오탐률 ≤ 0.02")
    return 0
