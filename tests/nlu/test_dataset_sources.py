"""The NLU sentences live in data/nlu/sources/; build_dataset.py turns them into the
committed train.jsonl and test.jsonl, byte for byte, and refuses malformed lines."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NLU_DATA = ROOT / "data" / "nlu"
SOURCES = NLU_DATA / "sources"
if str(NLU_DATA) not in sys.path:  # the build script and its modules are plain files there
    sys.path.insert(0, str(NLU_DATA))

import build_dataset  # noqa: E402
from dataset_sources import SourceError  # noqa: E402


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("nlu_build")
    build_dataset.build(str(SOURCES), str(out))
    return out


@pytest.mark.parametrize("name", ["train.jsonl", "test.jsonl"])
def test_build_from_sources_equals_the_committed_file(built: Path, name: str) -> None:
    assert (built / name).read_bytes() == (NLU_DATA / name).read_bytes(), (
        f"data/nlu/{name} is not what the sources build; run python3 data/nlu/build_dataset.py")


def test_check_mode_reports_up_to_date_and_stale(tmp_path: Path, built: Path) -> None:
    assert build_dataset.main(["--check", "--out", str(built)]) == 0
    stale = tmp_path / "stale"
    stale.mkdir()
    shutil.copy(built / "train.jsonl", stale / "train.jsonl")
    (stale / "test.jsonl").write_bytes((built / "test.jsonl").read_bytes()[:-1])
    assert build_dataset.main(["--check", "--out", str(stale)]) == 1


MALFORMED = {
    "broken JSON": ("policy.jsonl", '{"text": "환불 정책 알려줘", "intent": "policy", "slots": {'),
    "reason not verbatim": (
        "claim.refund.jsonl",
        '{"text": "반품할래요", "intent": "claim.refund",'
        ' "slots": {"issue_type": "refund", "reason": "사이즈가 안 맞아서"}}'),
    "intent of another file": (
        "policy.jsonl", '{"text": "배송비 기준 새 문장", "intent": "general", "slots": {}}'),
    "unknown slot": (
        "order.list.jsonl",
        '{"text": "주문 목록 새 문장", "intent": "order.list", "slots": {"colour": "빨강"}}'),
    "id not annotated": (
        "order.status.jsonl",
        '{"text": "ORD-20261120-0199 언제 와요 새 문장", "intent": "order.status", "slots": {}}'),
    "claim without issue_type": (
        "claim.exchange.jsonl", '{"text": "새 문장 교환할래요", "intent": "claim.exchange", "slots": {}}'),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_source_line_is_one_line_error_naming_file_and_line(
        tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str]) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(SOURCES, sources)
    name, bad = MALFORMED[case]
    path = sources / "train" / name
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(3, bad)  # between existing good lines: the reported number must be exact
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    with pytest.raises(SourceError) as err:
        build_dataset.build(str(sources), str(tmp_path))
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"{path}:4: "), message
    assert not (tmp_path / "train.jsonl").exists()  # nothing half-written

    assert build_dataset.main(["--sources", str(sources), "--out", str(tmp_path)]) == 2
    stderr = capsys.readouterr().err
    assert stderr.count("\n") == 1 and f"{path}:4: " in stderr


def test_a_duplicate_line_names_both_places(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(SOURCES, sources)
    path = sources / "test" / "handoff.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    first = next(n for n, line in enumerate(lines, 1) if line.startswith("{"))
    path.write_text("\n".join([*lines, lines[first - 1]]) + "\n", encoding="utf-8")

    expected = f"{path}:{len(lines) + 1}: duplicate of {path}:{first}"
    with pytest.raises(SourceError, match=f"^{re.escape(expected)}$"):
        build_dataset.build(str(sources), str(tmp_path))
