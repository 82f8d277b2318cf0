"""Agent commands: `chat` (terminal conversation) and `eval` (scenarios, pass^k)."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from ..config import Settings
from ..errors import AppError, ConfigError
from ..storage import open_repository
from .output import table

# The scenario suite, then the shopper conversations: development and held-out sets.
DEFAULT_SCENARIOS = (Path("tests/scenarios"), Path("tests/conversations/dev"), Path("tests/conversations/holdout"))


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("chat", help="터미널에서 에이전트와 대화")
    p.add_argument("--email", default="demo@example.com", help="대화할 고객 계정 (기본 demo@example.com)")
    p.set_defaults(handler=chat)

    p = commands.add_parser("eval", help="대화 시나리오 평가: 성공률과 pass^k")
    p.add_argument("--scenarios", type=Path, action="append",
                   help="시나리오 디렉터리 (여러 번 지정 가능; 기본: tests/scenarios와 tests/conversations의 dev·holdout)")
    p.add_argument("-k", type=int, default=4, help="시나리오별 반복 횟수 (기본 4)")
    p.set_defaults(handler=evaluate)


def _search(settings: Settings) -> object | None:
    try:
        from ..search import IndexStore

        store = IndexStore.from_settings(settings)
        store.load()
        return store
    except AppError as exc:
        print(f"경고: 검색 인덱스를 쓸 수 없어 정책·상품 검색 없이 진행합니다 ({exc.message})", file=sys.stderr)
        return None


def _scenario_search(settings: Settings, template: Path, index_dir: Path) -> object | None:
    """A search index over the configured policies and the scenario shop's own catalog,
    so that product scenarios see the same products as the shop they run against."""
    from ..search import build_from_settings

    storage = settings.storage.model_copy(update={
        "backend": "sqlite", "sqlite": settings.storage.sqlite.model_copy(update={"database": template})})
    local = settings.model_copy(update={"storage": storage,
                                        "search": settings.search.model_copy(update={"index_dir": index_dir})})
    try:
        build_from_settings(local)
    except AppError as exc:
        print(f"경고: 검색 인덱스를 만들 수 없어 정책·상품 검색 없이 진행합니다 ({exc.message})", file=sys.stderr)
        return None
    return _search(local)


def chat(args: argparse.Namespace, settings: Settings) -> int:
    from ..agent.factory import AgentParts

    repo = open_repository(settings)
    user = repo.get_user_by_email(args.email)
    if user is None:
        raise ConfigError(f"계정 {args.email}을(를) 찾을 수 없습니다. `ecommerce-agent seed`로 데모 데이터를 만드세요.")
    agent = AgentParts.load(settings, search=_search(settings)).agent(repo)
    print(f"{user.name}님으로 대화합니다. 끝내려면 빈 줄이나 Ctrl+D를 입력하세요.")
    session = None
    try:
        for line in sys.stdin:
            text = line.strip()
            if not text:
                break
            turn = agent.handle(user, session, text)
            session = turn.session_id
            print(f"에이전트> {turn.reply}\n", flush=True)
    finally:
        repo.close()
    return 0


def evaluate(args: argparse.Namespace, settings: Settings) -> int:
    from ..agent.evaluation import load_scenarios, run_scenario, seed_template
    from ..agent.factory import AgentParts

    sets = [(directory, load_scenarios(directory)) for directory in (args.scenarios or DEFAULT_SCENARIOS)]
    for directory, scenarios in sets:
        if not scenarios:
            raise ConfigError(f"시나리오가 없습니다: {directory}/*.yaml")
    all_passed = True
    with tempfile.TemporaryDirectory(prefix="eval-") as tmp:
        template = Path(tmp) / "template.db"
        seed_template(template)
        parts = AgentParts.load(settings, search=_scenario_search(settings, template, Path(tmp) / "index"))
        for directory, scenarios in sets:
            all_passed &= _evaluate_set(directory, scenarios, args.k, template, parts, run_scenario)
    return 0 if all_passed else 1


def _evaluate_set(directory: Path, scenarios: list, k: int, template: Path, parts: object,  # noqa: ANN001
                  run_scenario) -> bool:
    passes: dict[str, int] = {}
    failures: dict[str, list[str]] = {}
    patterns: dict[str, str] = {}
    unconfirmed = disclosures = 0
    for _ in range(k):
        for path, scenario in scenarios:
            result = run_scenario(scenario, path.name, template,
                                  lambda repo, clock: parts.agent(repo, clock=clock))  # type: ignore[attr-defined]
            key = f"{path.name}: {result.name}"
            passes[key] = passes.get(key, 0) + result.passed
            unconfirmed += result.unconfirmed_writes
            disclosures += result.disclosures
            for pattern in result.patterns:
                patterns.setdefault(key + "\0" + pattern, pattern)
            if not result.passed:
                failures.setdefault(key, result.failures)
    runs = len(scenarios) * k
    success = sum(passes.values()) / runs
    pass1 = sum(1 for n in passes.values() if n > 0) / len(scenarios)
    passk = sum(1 for n in passes.values() if n == k) / len(scenarios)
    print(f"\n== {directory}")
    for name, problems in failures.items():
        print(f"실패: {name}\n  " + "\n  ".join(problems[:3]))
    rows = [("시나리오", len(scenarios)), ("실행", runs), ("성공률", f"{success:.1%}"), ("pass^1", f"{pass1:.1%}")]
    if k != 1:
        rows.append((f"pass^{k}", f"{passk:.1%}"))
    rows += [("확인 없는 변경", unconfirmed), ("다른 고객 정보 노출", disclosures)]
    print(table(rows, ("항목", "값")))
    if patterns:
        per: dict[str, list[int]] = {}
        for joined, pattern in patterns.items():
            key = joined.split("\0")[0]
            per.setdefault(pattern, []).append(passes[key] == k)
        print(table([(p, len(v), f"{sum(v) / len(v):.1%}") for p, v in sorted(per.items())],
                    ("패턴", "대화", f"pass^{k}")))
    return passk == 1.0 and unconfirmed == 0 and disclosures == 0
