"""Search commands: `build-index`, `search`, `eval-search`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..config import Settings
from ..errors import AppError, ConfigError
from ..search import MODES, IndexStore, SearchResult, build_from_settings
from ..search.evaluate import evaluate, load_questions
from .output import bar, table

DEFAULT_EVAL_FILE = Path("tests/data/policy_eval.jsonl")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("build-index", help="정책·상품 검색 색인 만들기 (scripts/04_build_index.py)")
    p.add_argument("--only", choices=("policies", "products"),
                   help="한 부분만 다시 만들기 (다른 부분은 기존 색인 유지)")
    p.add_argument("--force", action="store_true", help="원본이 그대로여도 다시 만들기")
    p.add_argument("--no-embeddings", action="store_true", help="임베딩 없이 키워드 색인만 만들기")
    p.add_argument("--policies-dir", type=Path, help="정책 문서 디렉터리 (기본: search.policies_dir)")
    p.add_argument("--index-dir", type=Path, help="색인 디렉터리 (기본: search.index_dir)")
    p.set_defaults(handler=build)

    p = commands.add_parser("search", help="정책(또는 --products: 상품) 검색")
    p.add_argument("query", help='검색어, 예: "반품 배송비", "5만원 이하 이어폰"')
    p.add_argument("--products", action="store_true", help="상품 카탈로그 검색")
    p.add_argument("--mode", choices=MODES, help="검색 방식 (기본: search.mode)")
    p.add_argument("--top-k", type=_positive, help="결과 수 (기본: search.top_k)")
    p.add_argument("--min-price", type=_positive, help="최저 가격(원), --products와 함께")
    p.add_argument("--max-price", type=_positive, help="최고 가격(원), --products와 함께")
    p.add_argument("--category", help="카테고리, --products와 함께 (예: 전자기기)")
    p.add_argument("--include-out-of-stock", action="store_true", help="품절 상품도 보여주기")
    p.add_argument("--json", action="store_true", help="JSON으로 출력")
    p.add_argument("--index-dir", type=Path, help="색인 디렉터리 (기본: search.index_dir)")
    p.set_defaults(handler=search)

    p = commands.add_parser("eval-search", help="검색 품질 평가: recall@1, recall@3, MRR (모드별)")
    p.add_argument("--file", type=Path, default=DEFAULT_EVAL_FILE,
                   help=f"평가 질문 JSONL (기본: {DEFAULT_EVAL_FILE})")
    p.add_argument("--mode", choices=MODES, action="append", help="평가할 모드 (여러 번 가능; 기본: 전부)")
    p.add_argument("--misses", action="store_true", help="상위 3위 안에 못 찾은 질문 보여주기")
    p.add_argument("--by-topic", action="store_true", help="주제별 recall@3")
    p.add_argument("--index-dir", type=Path, help="색인 디렉터리 (기본: search.index_dir)")
    p.set_defaults(handler=eval_search)


def _positive(text: str) -> int:
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"정수가 아닙니다: {text}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"1 이상이어야 합니다: {text}")
    return value


def build(args: argparse.Namespace, settings: Settings) -> int:
    parts = (args.only,) if args.only else ("policies", "products")
    report = build_from_settings(settings, parts=parts, policies_dir=args.policies_dir,
                                 index_dir=args.index_dir, encoder=None if args.no_embeddings else "auto",
                                 force=args.force, progress=lambda label, total: bar(label, total, unit="청크"))
    manifest = report.manifest
    if "policies" in parts:
        _keep_answer_analysis(settings, args.index_dir)
    rows = []
    for kind, info in manifest.get("parts", {}).items():
        state = "새로 만듦" if kind in report.built else "변경 없음" if kind in report.unchanged else "기존 유지"
        encoder = info["encoder"]["name"].split(" ")[0] if info.get("encoder") else "없음(키워드만)"
        rows.append((kind, info["documents"], info["chunks"], encoder, state, info["built_at"]))
    print(table(rows, ("부분", "문서", "청크", "임베딩", "상태", "만든 시각")))
    for note in report.notes:
        print(note, file=sys.stderr)
    print(f"검색 색인: {args.index_dir or settings.search.index_dir} (manifest.json, {manifest['built_at']})")
    return 0


def _keep_answer_analysis(settings: Settings, index_dir: Path | None) -> None:
    """The policy answerer analyses every section and lexicon phrase once; done here
    and kept next to the index, so that a server start does not pay for it."""
    from ..agent.answers import PolicyAnswerer

    if index_dir is not None:
        settings = settings.model_copy(update={"search": settings.search.model_copy(update={"index_dir": index_dir})})
    try:
        PolicyAnswerer.load(IndexStore.from_settings(settings), settings)
    except AppError as exc:  # the index is built; the server start says the same and analyses then
        print(f"정책 답변기 분석은 저장하지 못했습니다: {exc.message}", file=sys.stderr)


def _store(args: argparse.Namespace, settings: Settings) -> IndexStore:
    store = IndexStore.from_settings(settings)
    if args.index_dir:
        store.index_dir = args.index_dir
    store.load()
    return store


def search(args: argparse.Namespace, settings: Settings) -> int:
    if not args.products and (args.min_price or args.max_price or args.category or args.include_out_of_stock):
        raise ConfigError("--min-price, --max-price, --category, --include-out-of-stock은 "
                          "--products와 함께만 쓸 수 있습니다.")
    store = _store(args, settings)
    mode = args.mode or settings.search.mode
    if args.products:
        results = store.search_products(args.query, mode=mode, top_k=args.top_k, min_price=args.min_price,
                                        max_price=args.max_price, category=args.category,
                                        include_out_of_stock=args.include_out_of_stock)
    else:
        results = store.search(args.query, mode=mode, top_k=args.top_k)
    effective = store.effective_mode(mode)
    if effective != mode:
        print(f"임베딩을 쓸 수 없어 {effective} 모드로 검색했습니다.", file=sys.stderr)
    if args.json:
        print(json.dumps([r.to_json() for r in results], ensure_ascii=False, indent=2))
        return 0
    if not results:
        print("검색 결과가 없습니다.")
        return 0
    if args.products:
        print(table([_product_row(i, r) for i, r in enumerate(results, 1)],
                    ("순위", "점수", "상품", "상품명", "카테고리", "가격", "재고")))
    else:
        print(table([_policy_row(i, r) for i, r in enumerate(results, 1)],
                    ("순위", "점수", "문서 > 섹션", "발췌")))
    return 0


def _policy_row(rank: int, result: SearchResult) -> tuple[object, ...]:
    location = " > ".join(result.metadata.get("heading_path") or [result.title])
    return (rank, f"{result.score:.3f}", location, result.snippet)


def _product_row(rank: int, result: SearchResult) -> tuple[object, ...]:
    meta = result.metadata
    return (rank, f"{result.score:.3f}", result.doc_id, result.title, meta.get("category", ""),
            int(meta.get("price", 0)), int(meta.get("stock", 0)))


def eval_search(args: argparse.Namespace, settings: Settings) -> int:
    questions = load_questions(args.file)
    store = _store(args, settings)
    modes = args.mode or list(MODES)

    def rank(question: str, mode: str, depth: int) -> list[str]:
        return [r.doc_id for r in store.search(question, mode=mode, top_k=depth)]  # type: ignore[arg-type]

    reports = [evaluate(rank, questions, m) for m in modes]  # type: ignore[arg-type]
    rows = []
    for report in reports:
        label = report.mode if store.effective_mode(report.mode) == report.mode else \
            f"{report.mode} (→ {store.effective_mode(report.mode)})"
        rows.append((label, f"{report.recall_at_1:.3f}", f"{report.recall_at_3:.3f}", f"{report.mrr:.3f}",
                     report.questions))
    print(table(rows, ("모드", "recall@1", "recall@3", "MRR", "질문")))
    if args.by_topic:
        topics = sorted({t for r in reports for t in r.by_topic})
        print(table([(t, *(f"{r.by_topic.get(t, 0):.3f}" for r in reports)) for t in topics],
                    ("주제", *(f"{r.mode} r@3" for r in reports))))
    if args.misses:
        for report in reports:
            for miss in report.misses:
                where = f"{miss.rank}위" if miss.rank else "10위 밖"
                print(f"[{report.mode}] {miss.question.id} {miss.question.question} — 정답 "
                      f"{', '.join(miss.question.relevant_doc_ids)}: {where}; 상위 {', '.join(miss.got)}")
    return 0
