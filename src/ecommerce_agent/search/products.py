"""Product search: the catalog indexed like the policies, plus what shoppers ask for.

A product is one chunk (``chunk_id = doc_id = product_id``): its title, category,
description and options. On top of ranking, a query is understood:

* a price constraint ("3만원 이하", "5만 원대", "2~3만원": ``domain/prices.py``) becomes
  a filter, combined with explicit ``min_price``/``max_price``, and is removed
  from the text that is matched;
* a category word (the catalog's own category names and their parts, and a few
  everyday words: 옷 → 패션의류, 화장품 → 뷰티, 책 → 도서) filters to that
  category; several words allow any of their categories;
* out-of-stock products are left out unless ``include_out_of_stock``.

Price and stock come from the index, i.e. from the moment it was built; a
caller about to promise availability should re-read the product.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ..domain.prices import PriceRange, parse_price_range, strip_prices
from ..domain.products import Product
from .retriever import Mode, Retriever
from .snippet import make_snippet
from .types import Chunk, SearchResult

# Everyday words → the demo catalog's category names (used only for categories
# the index actually has).
CATEGORY_WORDS: dict[str, str] = {
    "전자제품": "전자기기", "가전": "전자기기", "디지털": "전자기기", "전자": "전자기기",
    "옷": "패션의류", "의류": "패션의류", "패션": "패션의류", "슈즈": "신발",
    "화장품": "뷰티", "코스메틱": "뷰티", "음식": "식품", "먹거리": "식품", "간식": "식품",
    "생활": "생활용품", "주방": "주방용품", "스포츠": "스포츠·아웃도어", "운동": "스포츠·아웃도어",
    "아웃도어": "스포츠·아웃도어", "캠핑": "스포츠·아웃도어", "책": "도서", "장난감": "완구·취미",
    "완구": "완구·취미", "취미": "완구·취미", "가구": "가구·인테리어", "인테리어": "가구·인테리어",
    "반려동물": "반려동물", "애견": "반려동물", "반려견": "반려동물", "강아지": "반려동물",
    "고양이": "반려동물", "펫": "반려동물",
}


@dataclass(frozen=True, slots=True)
class ProductQuery:
    text: str  # what remains to be matched
    price: PriceRange | None
    categories: tuple[str, ...]


def product_chunk(product: Product) -> Chunk:
    options = " / ".join(f"{name}: {', '.join(values)}" for name, values in product.options.items())
    text = f"[{product.category}] {product.description}" + (f"\n옵션 {options}" if options else "")
    return Chunk(chunk_id=product.product_id, doc_id=product.product_id, title=product.title,
                 heading=(), text=text,
                 metadata={"kind": "product", "category": product.category, "price": product.price,
                           "stock": product.stock, "options": product.options})


def product_rows(products: Iterable[Product]) -> list[dict[str, object]]:
    """Everything indexed about each product (for the source hash)."""
    return [{"product_id": p.product_id, "title": p.title, "category": p.category, "price": p.price,
             "stock": p.stock, "description": p.description, "options": p.options} for p in products]


class ProductSearcher:
    def __init__(self, retriever: Retriever) -> None:
        self.retriever = retriever
        chunks = retriever.chunks
        self._price = np.array([c.metadata["price"] for c in chunks], dtype=np.int64)
        self._stock = np.array([c.metadata["stock"] for c in chunks], dtype=np.int64)
        self._category = np.array([c.metadata["category"] for c in chunks], dtype=object)
        self.categories = tuple(sorted(set(self._category.tolist())))
        self._aliases: dict[str, str] = {w: c for w, c in CATEGORY_WORDS.items() if c in self.categories}
        for category in self.categories:
            self._aliases[category] = category
            for part in re.split(r"[·/,\s]+", category):
                if len(part) >= 2:
                    self._aliases.setdefault(part, category)

    def understand(self, query: str) -> ProductQuery:
        price = parse_price_range(query)
        text = strip_prices(query) if price is not None else query.strip()
        words = set(self.retriever.analyzer.words(text)) if text else set()
        found = {c for c in self.categories if c in text}
        found |= {self._aliases[w] for w in words if w in self._aliases}
        return ProductQuery(text=text, price=price, categories=tuple(sorted(found)))

    def search(self, query: str, *, top_k: int = 5, mode: Mode = "hybrid", min_price: int | None = None,
               max_price: int | None = None, category: str | None = None,
               include_out_of_stock: bool = False) -> list[SearchResult]:
        understood = self.understand(query)
        mask = np.ones(len(self._price), dtype=bool)
        if understood.price is not None:
            if understood.price.min_price is not None:
                mask &= self._price >= understood.price.min_price
            if understood.price.max_price is not None:
                mask &= self._price <= understood.price.max_price
        if min_price is not None:
            mask &= self._price >= min_price
        if max_price is not None:
            mask &= self._price <= max_price
        categories = (category,) if category else understood.categories
        if categories:
            mask &= np.isin(self._category, list(categories))
        if not include_out_of_stock:
            mask &= self._stock > 0
        if not self.retriever.analyzer.terms(understood.text):
            return self._cheapest(mask, top_k)  # only constraints: "3만원 이하"
        return self.retriever.search(understood.text, mode=mode, top_k=top_k, mask=mask)

    def _cheapest(self, mask: np.ndarray, top_k: int) -> list[SearchResult]:
        """Nothing to rank by: the cheapest matching products first (score 0)."""
        indices = np.flatnonzero(mask)
        indices = indices[np.lexsort((indices, self._price[indices]))][:top_k]
        chunks = self.retriever.chunks
        return [SearchResult(chunk_id=chunks[i].chunk_id, doc_id=chunks[i].doc_id, title=chunks[i].title,
                             text=chunks[i].text, snippet=make_snippet(chunks[i].text, ()), score=0.0,
                             metadata={k: v for k, v in chunks[i].metadata.items() if k != "kind"})
                for i in indices]
