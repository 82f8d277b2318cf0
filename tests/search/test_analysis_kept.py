"""The analysis of a fixed batch of texts is kept next to the index between starts."""

from __future__ import annotations

from pathlib import Path

from ecommerce_agent.search.analysis import Analyzer, analyze_kept


class CountingAnalyzer(Analyzer):
    def __init__(self) -> None:
        super().__init__()
        self.batches = 0

    def analyze_many(self, texts):  # type: ignore[no-untyped-def]
        self.batches += 1
        return super().analyze_many(texts)


def test_a_kept_analysis_is_read_back_and_redone_when_the_texts_change(tmp_path: Path) -> None:
    analyzer, path = CountingAnalyzer(), tmp_path / "kept.json"
    texts = ["반품 배송비는 왕복 6,000원입니다.", "주문 취소는 출고 전까지 가능합니다."]
    first = analyze_kept(analyzer, texts, path)
    assert first == analyzer.analyze_many(texts) and analyzer.batches == 2
    assert analyze_kept(analyzer, texts, path) == first and analyzer.batches == 2  # read back, not analysed
    changed = analyze_kept(analyzer, [*texts[:1], "교환은 7일 이내에 신청합니다."], path)
    assert analyzer.batches == 3 and changed[0] == first[0] and changed[1] != first[1]


def test_an_unwritable_or_broken_file_only_costs_the_time(tmp_path: Path) -> None:
    analyzer = CountingAnalyzer()
    broken = tmp_path / "kept.json"
    broken.write_text("{not json", encoding="utf-8")
    assert analyze_kept(analyzer, ["환불 기간"], broken) == analyzer.analyze_many(["환불 기간"])
    assert analyze_kept(analyzer, ["환불 기간"], tmp_path / "missing-dir" / "kept.json")
    assert not list(tmp_path.glob("missing-dir"))
