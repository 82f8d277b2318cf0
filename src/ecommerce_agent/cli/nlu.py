"""NLU commands: `train-nlu`, `eval-nlu`, `understand`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Settings
from ..errors import ConfigError
from .output import bar, table

if TYPE_CHECKING:
    from ..nlu.engine import Nlu

DEFAULT_TRAIN = Path("data/nlu/train.jsonl")
DEFAULT_TEST = Path("data/nlu/test.jsonl")
CONFUSION_PNG = "confusion.png"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("train-nlu", help="의도·슬롯 인식 모델 학습 (data/nlu/train.jsonl → nlu.model_dir)")
    p.add_argument("--train", type=Path, default=DEFAULT_TRAIN, help=f"학습 데이터 (기본: {DEFAULT_TRAIN})")
    p.add_argument("--model-dir", type=Path, help="저장 위치 (기본: nlu.model_dir)")
    p.add_argument("--no-cv", action="store_true", help="교차 검증·보정 생략 (빠름; 확률 보정 없음)")
    p.add_argument("--no-embeddings", action="store_true", help="e5 2단계 분류기 없이 학습")
    p.set_defaults(handler=train)

    p = commands.add_parser("eval-nlu", help="보류 평가 세트로 정확도·macro-F1·혼동 행렬·슬롯 정확 일치율")
    p.add_argument("--test", type=Path, default=DEFAULT_TEST, help=f"평가 데이터 (기본: {DEFAULT_TEST})")
    p.add_argument("--model-dir", type=Path, help="모델 위치 (기본: nlu.model_dir)")
    p.add_argument("--png", type=Path, help=f"혼동 행렬 그림 (기본: <모델 위치>/{CONFUSION_PNG})")
    p.add_argument("--no-embeddings", action="store_true", help="e5 2단계 없이 평가")
    p.add_argument("--errors", type=int, default=0, metavar="N", help="틀린 문장 N개 보여주기")
    p.add_argument("--json", action="store_true", help="결과를 JSON으로 출력")
    p.set_defaults(handler=evaluate)

    p = commands.add_parser("understand", help="한 문장의 의도·신뢰도·슬롯 보기 (JSON)")
    p.add_argument("text", help='예: "ORD-20261126-0001을 취소해줘"')
    p.add_argument("--now", type=_aware, help="기준 시각 (ISO 8601, 상대 날짜 해석용; 기본: 현재)")
    p.add_argument("--model-dir", type=Path, help="모델 위치 (기본: nlu.model_dir)")
    p.set_defaults(handler=understand)


def _aware(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ISO 8601 시각이 아닙니다: {text}") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"시간대가 필요합니다 (예: +09:00): {text}")
    return moment


def _load(args: argparse.Namespace, settings: Settings, *, embeddings: bool = True) -> Nlu:
    from ..nlu.engine import Nlu

    section = settings.nlu
    encoder = None
    if embeddings and section.embeddings:
        from ..search.encoder import load_encoder

        encoder = load_encoder("e5-small", threads=section.encoder_threads, cache_size=0)
    return Nlu.load(args.model_dir or section.model_dir, confidence_threshold=section.confidence_threshold,
                    alternatives=section.alternatives, encoder=encoder,
                    embedding_below=section.embedding_below)


def train(args: argparse.Namespace, settings: Settings) -> int:
    from ..nlu.model import save_model
    from ..nlu.training import train_nlu

    if not args.train.exists():
        raise ConfigError(f"학습 데이터 '{args.train}'이(가) 없습니다.")
    target = args.model_dir or settings.nlu.model_dir
    encoder = None
    if not args.no_embeddings:
        from ..search.encoder import E5Encoder

        encoder = E5Encoder(threads=0)  # training embeds every line once: use all cores
    started = time.perf_counter()
    steps = 0 if args.no_cv else 5 * (2 if encoder else 1)
    with bar("NLU 학습", steps + 1, unit="단계") as progress:
        model = train_nlu(args.train, cv=not args.no_cv, encoder=encoder, progress=progress)
    path = save_model(model, target)
    cv = model.manifest.get("cross_validation")
    if cv:
        rows = [("1단계 (문자·자모·형태소)", f"{cv['accuracy']:.4f}", f"{cv['macro_f1']:.4f}",
                 f"{cv['ece_calibrated']:.4f}")]
        second = cv.get("with_embeddings")
        if second:
            rows.append(("e5 포함 (전체 적용 시)", f"{second['accuracy']:.4f}", f"{second['macro_f1']:.4f}",
                         f"{second['ece_calibrated']:.4f}"))
        print(f"교차 검증 ({cv['folds']}겹, 유사 문장 묶음 {cv['groups']:,}개, 학습 데이터만)")
        print(table(rows, ("모델", "정확도", "macro-F1", "ECE(보정 후)")))
        if second:
            threshold = settings.nlu.embedding_below
            cascade = second["cascade"].get(str(threshold))
            if cascade:
                print(f"2단계(e5) 사용 기준 {threshold}: 문장의 {cascade['second_stage_share']:.1%}에 e5 사용, "
                      f"정확도 {cascade['accuracy']:.4f}")
        print(f"span 정확 일치 (교차 검증): query {cv['query_exact']:.4f}, reason {cv['reason_exact']:.4f}")
    print(f"NLU 모델 저장: {path} ({path.stat().st_size / 1e6:.1f} MB, "
          f"{time.perf_counter() - started:.0f}초)")
    return 0


def evaluate(args: argparse.Namespace, settings: Settings) -> int:
    from ..nlu.report import plot_confusion
    from ..nlu.training import evaluate as score
    from ..nlu.training import load_examples

    if not args.test.exists():
        raise ConfigError(f"평가 데이터 '{args.test}'이(가) 없습니다.")
    nlu = _load(args, settings, embeddings=not args.no_embeddings)
    examples = load_examples(args.test)
    result = score(nlu.understand, examples)
    png = args.png or (args.model_dir or settings.nlu.model_dir) / CONFUSION_PNG
    plot_confusion(result.confusion, result.labels, png,
                   title=f"{args.test} — accuracy {result.accuracy:.4f}, macro-F1 {result.macro_f1:.4f}")
    if args.json:
        print(json.dumps({**result.as_dict(), "confusion": result.confusion.tolist(),
                          "labels": result.labels, "png": str(png)}, ensure_ascii=False, indent=2))
        return 0
    print(f"{args.test}: {result.n:,}문장  정확도 {result.accuracy:.4f}  macro-F1 {result.macro_f1:.4f}")
    print("처리 경로: " + ", ".join(f"{k} {v}" for k, v in sorted(result.sources.items())))
    print()
    print(table([(lab, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", m["support"])
                 for lab, m in result.per_intent.items()], ("의도", "정밀도", "재현율", "F1", "문장")))
    print()
    short = [lab.split(".")[-1][:6] for lab in result.labels]
    rows = [(short[i], *(int(v) for v in result.confusion[i])) for i in range(len(short))]
    print("혼동 행렬 (행: 정답, 열: 예측)")
    print(table(rows, ("", *short)))
    print()
    print(table([(name, correct, total, f"{correct / total:.4f}" if total else "-")
                 for name, (correct, total) in result.slot_exact.items()],
                ("슬롯", "정확 일치", "해당 문장", "비율")))
    print("(해당 문장: 정답 또는 예측에 그 슬롯이 있는 문장; 슬롯은 예측한 의도로 읽음)")
    print(f"혼동 행렬 그림: {png}")
    for text, gold, predicted, confidence in result.errors[: args.errors]:
        print(f"  ✗ {text}  (정답 {gold}, 예측 {predicted} {confidence:.2f})", file=sys.stderr)
    return 0


def understand(args: argparse.Namespace, settings: Settings) -> int:
    from ..domain.clock import KST

    nlu = _load(args, settings)
    result = nlu.understand(args.text, now=args.now or datetime.now(KST))
    print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    return 0
