"""Product search: price and category understanding, stock filtering, the DB source."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from ecommerce_agent.config import load_settings
from ecommerce_agent.demo.generate import DemoShop, SeedPlan
from ecommerce_agent.domain.products import Product
from ecommerce_agent.search.analysis import Analyzer
from ecommerce_agent.search.build import build_from_settings
from ecommerce_agent.search.errors import SearchIndexError
from ecommerce_agent.search.store import IndexStore
from ecommerce_agent.storage import open_sqlite
from tests.search.support import FakeEncoder, build_policies, build_products

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


def _p(pid: str, title: str, category: str, price: int, stock: int = 5,
       options: dict[str, list[str]] | None = None) -> Product:
    return Product(product_id=pid, title=title, category=category, price=price, stock=stock,
                   description=f"{title}. {category} 카테고리의 인기 상품입니다.", created_at=NOW,
                   options=options or {})


CATALOG = [
    _p("P001", "소리샘 무선 이어폰", "전자기기", 29_000, options={"색상": ["블랙", "화이트"]}),
    _p("P002", "소리샘 프로 무선 이어폰", "전자기기", 54_000),
    _p("P003", "한결 블루투스 이어폰", "전자기기", 58_000, stock=0),
    _p("P004", "다온 노이즈캔슬링 헤드폰", "전자기기", 129_000),
    _p("P005", "누리 블루투스 스피커", "전자기기", 45_000),
    _p("P006", "어반핏 오버핏 후드티", "패션의류", 39_000, options={"사이즈": ["M", "L"]}),
    _p("P007", "어반핏 기모 맨투맨", "패션의류", 25_000),
    _p("P008", "모닝데이 수분 크림", "뷰티", 18_000),
    _p("P009", "모닝데이 선크림", "뷰티", 12_000, stock=0),
    _p("P010", "라온 파이썬 입문서", "도서", 28_000),
    _p("P011", "코지홈 강아지 사료", "반려동물", 33_000),
    _p("P012", "그린필드 캠핑 의자", "스포츠·아웃도어", 49_000),
]


@pytest.fixture
def store(tmp_path: Path, analyzer: Analyzer) -> IndexStore:
    index_dir = tmp_path / "index"
    build_products(index_dir, analyzer, FakeEncoder(), CATALOG)
    store = IndexStore(index_dir, encoder=FakeEncoder(), analyzer=analyzer)
    store.load()
    return store


def _ids(results: list) -> list[str]:  # type: ignore[type-arg]
    return [r.doc_id for r in results]


@pytest.mark.parametrize("mode", ["keyword", "hybrid"])
def test_price_words_in_the_query_filter(store: IndexStore, mode: str) -> None:
    cheap = store.search_products("3만원 이하 이어폰", mode=mode)  # type: ignore[arg-type]
    assert _ids(cheap)[0] == "P001"
    assert all(r.metadata["price"] <= 30_000 for r in cheap)
    found = store.search_products("5만 원대 이어폰", mode=mode)  # type: ignore[arg-type]
    assert _ids(found)[0] == "P002"  # P003 (58,000) is out of stock
    assert all(50_000 <= r.metadata["price"] <= 59_999 for r in found)
    if mode == "keyword":
        assert _ids(cheap) == ["P001"] and _ids(found) == ["P002"]


def test_explicit_bounds_combine_with_the_query(store: IndexStore) -> None:
    assert _ids(store.search_products("이어폰", min_price=30_000, mode="keyword")) == ["P002"]
    assert _ids(store.search_products("이어폰 2만원 이상", max_price=40_000, mode="keyword")) == ["P001"]
    hybrid = store.search_products("이어폰", min_price=30_000, max_price=60_000, top_k=10)
    assert hybrid[0].doc_id == "P002"  # the vectors also rank non-matching products, filtered alike
    assert all(30_000 <= r.metadata["price"] <= 60_000 and r.metadata["stock"] > 0 for r in hybrid)


def test_out_of_stock_only_when_asked(store: IndexStore) -> None:
    assert "P003" not in _ids(store.search_products("블루투스 이어폰", top_k=10))
    assert "P003" in _ids(store.search_products("블루투스 이어폰", top_k=10, include_out_of_stock=True))


def test_category_words_filter(store: IndexStore) -> None:
    assert set(_ids(store.search_products("화장품 추천", top_k=10, include_out_of_stock=True))) == {"P008", "P009"}
    assert set(_ids(store.search_products("옷 4만원 이하", top_k=10))) == {"P006", "P007"}
    assert _ids(store.search_products("강아지 간식", top_k=10)) == ["P011"]
    searcher = store._require().products
    assert searcher is not None and searcher.understand("운동화").categories == ()  # not 운동
    assert set(_ids(store.search_products("전자기기", top_k=10))) == {"P001", "P002", "P004", "P005"}
    assert _ids(store.search_products("인기 상품", category="도서")) == ["P010"]


def test_only_constraints_lists_the_cheapest_first(store: IndexStore) -> None:
    results = store.search_products("3만원 이하", top_k=3)
    assert _ids(results) == ["P008", "P007", "P010"]
    assert all(r.score == 0.0 for r in results)


def test_understanding_is_exposed(store: IndexStore) -> None:
    searcher = store._require().products
    assert searcher is not None
    understood = searcher.understand("운동할 때 입을 옷 2~3만원")
    assert understood.price is not None and (understood.price.min_price, understood.price.max_price) == (20_000, 30_000)
    assert understood.categories == ("스포츠·아웃도어", "패션의류")
    assert understood.text == "운동할 때 입을 옷"


def test_product_result_fields(store: IndexStore) -> None:
    top = store.search_products("소리샘 무선 이어폰 화이트", mode="keyword")[0]
    assert (top.chunk_id, top.doc_id, top.title) == ("P001", "P001", "소리샘 무선 이어폰")
    assert top.metadata == {"category": "전자기기", "price": 29_000, "stock": 5,
                            "options": {"색상": ["블랙", "화이트"]}}


def test_policies_and_products_are_separate_parts(tmp_path: Path, analyzer: Analyzer) -> None:
    index_dir = tmp_path / "index"
    build_policies(index_dir, analyzer, FakeEncoder())
    store = IndexStore(index_dir, encoder=FakeEncoder(), analyzer=analyzer)
    store.load()
    with pytest.raises(SearchIndexError, match="상품 검색 색인이 없습니다"):
        store.search_products("이어폰")
    policies = store._require().policies
    build_products(index_dir, analyzer, FakeEncoder(), CATALOG)
    assert store.reload() is True
    assert store._require().policies is policies  # an unchanged part is not read again
    assert store.search("반품 배송비")[0].doc_id == "return-policy"
    assert store.search_products("이어폰")[0].doc_id in {"P001", "P002"}
    assert store.health()["products"] == len(CATALOG)


def test_building_from_the_database(tmp_path: Path, analyzer: Analyzer) -> None:
    db = tmp_path / "shop.db"
    settings = load_settings(env={"SQLITE_DATABASE": str(db)})
    report = build_from_settings(settings, index_dir=tmp_path / "index", encoder=FakeEncoder(),
                                 analyzer=analyzer, policies_dir=tmp_path / "unused", parts=("products",))
    assert report.built == () and "먼저 `ecommerce-agent seed`" in report.notes[0]
    assert not db.exists()  # no empty database created as a side effect

    repo = open_sqlite(db)
    plan = SeedPlan(anchor=NOW, users=10, products=40, orders=0, with_demo_accounts=False)
    repo.load_tables(DemoShop(plan).batches())
    repo.close()
    report = build_from_settings(settings, index_dir=tmp_path / "index", encoder=FakeEncoder(),
                                 analyzer=analyzer, parts=("products",))
    assert report.built == ("products",)
    assert report.manifest["parts"]["products"]["documents"] == 40
    assert report.manifest["parts"]["products"]["origin"] == f"sqlite:{db}"
    again = build_from_settings(settings, index_dir=tmp_path / "index", encoder=FakeEncoder(),
                                analyzer=analyzer, parts=("products",))
    assert again.built == () and again.unchanged == ("products",)
    store = IndexStore(tmp_path / "index", encoder=FakeEncoder(), analyzer=analyzer)
    store.load()
    results = store.search_products("5만원 이하", top_k=40)
    assert results and all(r.metadata["price"] <= 50_000 and r.metadata["stock"] > 0 for r in results)
