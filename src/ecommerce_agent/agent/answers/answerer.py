"""``PolicyAnswerer.answer(question, now=, context=) -> PolicyAnswer | None``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from ...domain.orders import Order
from .compose import Lead, choose_lead, compose
from .compute import first_computed
from ...nlu.lexicon import data_path
from ...search.analysis import LEXICON  # English words shoppers use for Korean ones ("refund")
from .facts import DEFAULT_FACTS, FactTable, load_facts
from .lexicon import DEFAULT_LEXICON, Lexicon, load_lexicon, load_product_groups, squash
from .question import Question, read_question
from .relevance import (Calibration, Candidate, SectionWords, ExpansionTable, answerable, content_words, rule_sections,
                        score_candidates)
from .sections import Section, SectionStore

REWRITE_CORPUS_WORDS = False  # measured: see relevance.py
SEARCH_DEPTH = 8  # chunks of the hybrid search considered
DOCS_EXPANDED = 3
RARE_LOOKUP = 1  # the question's rarest words looked up in every section  # every section of the best documents competes too
ASKED_ASPECT = re.compile(r"(?:배송비|택배비|반품비|교환비|비용|요금|수수료|금액|기간|기한|얼마|언제|며칠|몇\s?일|"
                          r"어떻게|어디서|어디|누가)(?:는|은|이|가|를|을|도|요)?")
TRAILING_PARTICLE = re.compile(r"(?:으로는|으로|로는|로|에서는|에서|에는|에|은|는|이|가|을|를|도|만|까지|부터|이랑|랑|하고|과|와)$")
# a noun followed by the copula ("배송중인데", "결제완료일때", "품절이라서"): the noun is the word
COPULA_ENDING = re.compile(r"(?:인데요|인데|일때|일\s?때|이면|이라서|이라|이라도|인가요|인지|이에요|예요|인)$")
VERBAL_SYLLABLES = frozenset("하되한된면고서는은던며게지해돼했됐할될요다니까죠나")
# "M 시켰는데 L이 왔어요", "빨간색 주문했는데 파란색이 왔어요": ordered one thing, another came
MISDELIVERED = re.compile(r"(?:시켰|주문했|샀|골랐)\S*\s+\S+(?:이|가)?\s?(?:왔|옴|배송됐|도착했)")
CONDITIONAL = re.compile(r"경우|이내|이상|이하|미만|까지|면\s|라면|다만")


@dataclass(frozen=True)
class AnswerContext:
    order: Order | None = None


@dataclass(frozen=True)
class PolicyAnswer:
    text: str
    citations: list[dict[str, Any]]
    cards: list[dict[str, Any]]
    verdict: str | None
    doc_id: str
    trace: dict[str, Any] = field(default_factory=dict, compare=False)


class PolicyAnswerer:
    def __init__(self, search: Any, facts: FactTable, *, sections: SectionStore, lexicon: Lexicon,
                 calibration: Calibration | None = None, products: tuple[frozenset[str], ...] = (),
                 kept: Path | None = None) -> None:
        """``kept``: the search index's directory, where the analysis of the sections
        and of the lexicon is kept between starts (``analyze_kept``)."""
        self.search, self.facts, self.sections, self.lexicon = search, facts, sections, lexicon
        self.calibration = calibration or Calibration()
        self.analyzer = search.analyzer
        self.words = SectionWords(sections, self.analyzer, kept)
        self.expansion_table = ExpansionTable(self.analyzer, lexicon, kept)
        # single words of the lexicon the documents use themselves (a phrase, "두 번 결제", is a mapping)
        corpus = self.corpus_text = "".join(self.words.squashed.values())
        self.corpus_keys = frozenset(k for k, _ in lexicon.synonyms if k in corpus and k not in lexicon.phrases) \
            if not REWRITE_CORPUS_WORDS else frozenset()
        # a product word → the words of its groups the documents use (만화책 → 도서); none: it is neutral
        self.products: dict[str, frozenset[str]] = {}
        for group in products:
            corpus = frozenset(w for w in group if w in self.words.idf)
            for word in group:
                self.products[word] = self.products.get(word, frozenset()) | corpus

    @classmethod
    def load(cls, search: Any, settings: Any = None, *, facts_path: Path = DEFAULT_FACTS,
             lexicon_path: Path = DEFAULT_LEXICON, calibration: Calibration | None = None) -> PolicyAnswerer:
        policies = Path(settings.search.policies_dir) if settings is not None else DEFAULT_FACTS.parent
        if settings is not None:  # the data next to the configured documents
            facts_path = policies / DEFAULT_FACTS.name if facts_path == DEFAULT_FACTS else facts_path
            if lexicon_path == DEFAULT_LEXICON:
                lexicon_path = policies.parent / DEFAULT_LEXICON.parent.name / DEFAULT_LEXICON.name
        # relative paths are the project's own data when the working directory is elsewhere
        policies, facts_path, lexicon_path = data_path(policies), data_path(facts_path), data_path(lexicon_path)
        sections = SectionStore.load(policies)
        kept = Path(settings.search.index_dir) if settings is not None else None
        return cls(search, load_facts(facts_path, sections), sections=sections, lexicon=load_lexicon(lexicon_path),
                   calibration=calibration, products=load_product_groups(lexicon_path.parent / "products.yaml"),
                   kept=kept)

    # -- answering ---------------------------------------------------------------


    def answer(self, question: str, *, now: datetime, context: AnswerContext | None = None) -> PolicyAnswer | None:
        q = read_question(question, self.lexicon)
        parts = [q]
        if q.parts:  # "사이즈 교환 돼요? 비용은요?": a short part is about the topic of the one before
            parts = []
            setting = ""
            for i, text in enumerate(q.parts):
                part = read_question(text, self.lexicon)
                if not part.kinds and i < len(q.parts) - 1:
                    # a statement, not a question ("불량인줄 알고 보냈는데 정상이래요 그럼 택배비 제가 내요?"):
                    # the setting of the question after it, not a question to answer on its own
                    setting = f"{setting}{text} "
                    continue
                if setting:
                    text, setting = f"{setting}{text}", ""
                    part = replace(read_question(text, self.lexicon), parts=())
                # elliptical: nothing but what is asked ("비용은요?", "배송비는 얼마예요?")
                if i > 0 and not content_words(self.analyzer, ASKED_ASPECT.sub(" ", text), self.lexicon):
                    # the topic of the part before, without what it asked ("반품 배송비 얼마" → 반품)
                    topic = ASKED_ASPECT.sub(" ", q.parts[i - 1])
                    part = replace(read_question(f"{topic} {text}", self.lexicon), kinds=part.kinds, parts=())
                parts.append(part)
        delivered = context.order.delivered_at if context is not None and context.order is not None else None
        blocks: list[tuple[Section, Lead, Candidate]] = []
        others: list[Candidate] = []
        for part in parts:
            found = self._best(part, whole=q)
            if found is None:
                if not blocks and len(parts) > 1 and part.kinds:
                    return None  # the question asked first is not in the documents: no half answer
                continue
            best, words, emap, ranked = found
            others += ranked[1:3]
            rules = [r for r in self.facts.rules
                     if r.doc == best.section.doc_id or best.section.doc_id in r.spec.get("also_docs", [])]
            # the shopper's order dates a window only when the question is about time or the
            # section chosen is the window's own ("다른 디자인으로 교환도 돼요?" is about scope)
            dated = delivered if (part.kinds & {"period", "when"} or any(
                r.type == "window" and (r.doc, r.section) == best.section.key for r in rules)) else None
            computed = first_computed(rules, _with_numbers(part, q), now, dated, best.section.key)
            blocks.append((best.section, choose_lead(best.section, part, words, emap, computed,
                                                      self.words.sentences.get(best.section.key), self.lexicon,
                                                      {w: self.words.weight(w) for w in words},
                                                      self._short_stems(part.text)), best))
        if not blocks or not _names_covered(question, blocks[0][0]):
            return None
        text, verdict = compose([(s, lead) for s, lead, _ in blocks])
        first_section, first_lead, first = blocks[0]
        if verdict == "yes" and first_lead.sentence and CONDITIONAL.search(first_lead.sentence):
            verdict = "conditional"
        citations = [_citation(c) for _, _, c in blocks]
        seen = {c["section"] for c in citations}
        citations += [_citation(c) for c in others if c.section.heading not in seen]
        return PolicyAnswer(text=text, citations=citations, cards=self._cards([s for s, _, _ in blocks]),
                            verdict=verdict if q.yesno else None, doc_id=first_section.doc_id,
                            trace={"cover": round(first.cover, 3), "rank": first.rank,
                                   "score": round(first.score, 3), "rule": first.rule, "sentence": round(first.sentence, 3), "top": first.top, "kinds": sorted(q.kinds)})

    def _best(self, q: Question, whole: Question) -> tuple[Candidate, list[str], dict[str, set[str]], list[Candidate]] | None:
        expanded = " ".join([q.text, *q.expansions, *([q.region] if q.region else [])])
        results = self.search.search(expanded, top_k=SEARCH_DEPTH, max_per_doc=2)
        if not results:
            return None
        candidates: dict[tuple[str, str], Candidate] = {}
        for rank, r in enumerate(results):
            section = self._section(r)
            if section is not None and section.key not in candidates:
                candidates[section.key] = Candidate(section, rank, float(r.score), result=r)
        docs = list(dict.fromkeys(r.doc_id for r in results))[:DOCS_EXPANDED]
        for d, doc in enumerate(docs):
            for section in self.sections.of(doc):
                candidates.setdefault(section.key, Candidate(section, SEARCH_DEPTH + d, 0.0))
        for section in rule_sections(q, self.facts, self.sections):
            candidates.setdefault(section.key, Candidate(section, SEARCH_DEPTH, 0.0))
        # everyday words the documents do not use are read in the documents' words; a word they
        # use stays itself (its lexicon alternatives count through ``emap``, not as more words to cover)
        words = content_words(self.analyzer, self.lexicon.rewrite(q.text, self.corpus_keys), self.lexicon,
                              lambda w: w not in self.corpus_text, q.text)
        # a corpus word the analyser splits in this sentence ("양도 줘도" → 양 + 도) still counts
        words += [w for w in dict.fromkeys(squash(e) for e in self.lexicon.expansions(q.text, self.corpus_keys)
                                           if " " not in e)
                  if len(w) >= 2 and w not in words]
        # a corpus word the analyser leaves one letter of ("늦어져요" → 늦) is read in the documents'
        # words for it (지연): a one-letter stem is no content word, and the concept would be lost
        emap = self.expansion_table.map(q.text)
        for target, key in self.expansion_table.short_stems(q.text, self.corpus_keys):
            if target in self.words.idf:  # a single word of the documents, found as itself or as said
                words += [target] if target not in words else []
                emap.setdefault(target, set()).add(key)
        if MISDELIVERED.search(q.text) and "오배송" not in words:  # "M 시켰는데 L이 왔어요"
            words.append("오배송")
        words = self._compounds(q.text, self._neutralised(words, emap), emap)
        # the sections that name the question's rarest words compete too (a word the search splits)
        for w in sorted(words, key=lambda w: -self.words.weight(w))[:RARE_LOOKUP]:
            if len(w) >= 2:
                for section in self.sections.sections:
                    if w in self.words.squashed[section.key]:
                        candidates.setdefault(section.key, Candidate(section, SEARCH_DEPTH + DOCS_EXPANDED, 0.0))
        ranked = list(candidates.values())
        score_candidates(q, words, ranked, self.words, self.facts, emap, self.calibration)
        ranked.sort(key=lambda c: -c.score)
        best = ranked[0]
        gap = best.score - ranked[1].score if len(ranked) > 1 else best.score
        if not answerable(best, self.calibration, gap):
            return None
        return best, words, emap, ranked

    def _short_stems(self, text: str) -> tuple[str, ...]:
        """The documents' words for the question's one-letter stems ("늦어져요" → 지연)."""
        return tuple(dict.fromkeys(t for t, _ in self.expansion_table.short_stems(text, self.corpus_keys)
                                   if t in self.words.idf))

    def _compounds(self, text: str, words: list[str], emap: dict[str, set[str]]) -> list[str]:
        """A compound noun the documents use that the analyser splits ("상품권으로" →
        상품 + 권) is one word: the compound replaces its part (not a verb form: 결제한)."""
        for token in text.split():
            bare = re.sub(r"[^\w]", "", token)
            stem = TRAILING_PARTICLE.sub("", bare)
            if stem not in self.corpus_text:  # "배송중인데" → 배송중 (a word the documents use)
                noun = COPULA_ENDING.sub("", bare)
                stem = noun if len(noun) >= 3 and noun in self.corpus_text else stem
            if len(stem) < 3 or stem in words or not stem.isalnum():
                continue
            if stem not in self.corpus_text:
                # "새벽배송": a moment word fused to a noun names a service, not a moment
                head = next((n for n in self.lexicon.number_words if stem.startswith(n) and len(stem) > len(n) + 1),
                            None)
                if head is not None and not TRAILING_PARTICLE.search(stem):
                    words.append(stem)
                continue
            parts = [w for w in words if w in stem]
            if len(parts) != 1:
                continue
            part = parts[0]
            rest = stem.replace(part, "", 1)
            # one more letter ("상품권"), or a moment word the numbers took away ("점심시간" → 시간)
            if (len(part) + 1 != len(stem) or rest in VERBAL_SYLLABLES) and rest not in self.lexicon.dayparts:
                continue
            words = [stem if w == part else w for w in words]
            if part in emap:
                emap[stem] = emap[part]
        return words

    def _neutralised(self, words: list[str], emap: dict[str, set[str]]) -> list[str]:
        """Without the words that say nothing about the rule (벌써, 엄마); a product the
        documents do not name is read as its category when they name that (만화책 → 도서)."""
        out = []
        for w in words:
            key = squash(w)
            if key in self.lexicon.neutral:
                continue
            if w not in self.words.idf and key in self.products and not emap.get(w) and self.products[key]:
                # a product the documents name by its category; one they do not name at all stays
                # (the documents may not answer about it: "노트북 수리 돼요?")
                emap[w] = set(self.products[key])
            out.append(w)
        return out

    def _section(self, result: Any) -> Section | None:
        path = result.metadata.get("heading_path") or []
        return self.sections.get(result.doc_id, path[1]) if len(path) > 1 else None

    def _cards(self, sections: list[Section]) -> list[dict[str, Any]]:
        cards: list[dict[str, Any]] = []
        for s in dict.fromkeys(sections):
            facts = self.facts.in_section(s.doc_id, s.heading)
            if facts:
                cards.append({"type": "facts", "doc_id": s.doc_id, "title": s.title, "section": s.heading,
                              "facts": [{"kind": f.kind, "value": f.value, "about": f.about} for f in facts]})
            cards.extend(t.card(f"{s.title} · {s.heading}") for t in s.tables)
        return cards


def _key(result: Any) -> tuple[str, str]:
    path = result.metadata.get("heading_path") or []
    return result.doc_id, (path[1] if len(path) > 1 else "")


def _with_numbers(part: Question, whole: Question) -> Question:
    """A part of a two-part question keeps the numbers said in the other part."""
    if part is whole:
        return part
    return replace(part, amounts=part.amounts or whole.amounts, points=part.points or whole.points,
                   days=part.days if part.days is not None else whole.days,
                   moment=part.moment or whole.moment, region=part.region or whole.region)


def _citation(c: Candidate) -> dict[str, Any]:
    s = c.section
    chunk = c.result.chunk_id if c.result is not None else f"{s.doc_id}#{s.order:02d}"
    return {"doc_id": s.doc_id, "title": s.title, "chunk_id": chunk, "section": s.heading,
            "score": round(float(c.score), 4)}


# Names of services a shopper may ask about by brand ("애플페이", "PayPal"): a section that
# does not name them does not answer whether they are supported ("never invent a rule").
_BRANDS = re.compile(r"[가-힣]{1,6}페이|[A-Za-z][A-Za-z\-]{2,}")


def _names_covered(question: str, section: Section) -> bool:
    haystack = squash(f"{section.heading} {section.text}").lower()
    names = [m.group(0) for m in _BRANDS.finditer(question)
             if not m.group(0).isascii() or (len(m.group(0)) > 3 and m.group(0).lower() not in LEXICON)]
    return all(squash(name).lower() in haystack for name in names)
