"""Match notices against many subscriptions at once: one Aho-Corasick pass, then only the hit ones.

Every keyword of every subscription (terms, plus taxonomy synonyms of ``~`` terms) lives in one
automaton; a notice is scanned once, and only subscriptions with a hit keyword (or with no positive
terms at all) are evaluated. Additions go to a small secondary automaton that is merged into the
main one when it grows, so adding or removing a handful of subscriptions among 100,000 stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import ahocorasick

from tenderbot.matching.query import Query, Term, fold_term, is_short_latin, parse_query
from tenderbot.models import Category, Notice, NoticeType

SynonymSource = Callable[[str], Iterable[str]]

# The secondary automaton is folded into the main one once it holds this many keywords (or 5 % of
# the main one); removed keywords stay in the main automaton as harmless tombstones until a quarter
# of it is dead.
_MIN_MERGE = 512
_MIN_PURGE = 1024
_ANY_PROVINCE = None


@dataclass(frozen=True, slots=True)
class MatchResult:
    """One subscription that matched a notice, with the keywords that fired (the "why")."""

    subscription_id: int
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A query flattened for fast evaluation against a set of hit keywords."""

    any_keywords: frozenset[str]
    all_groups: tuple[frozenset[str], ...]
    none_keywords: frozenset[str]
    report_order: tuple[str, ...]
    budget_min: Decimal | None
    budget_max: Decimal | None
    regions: frozenset[str]
    types: frozenset[NoticeType]
    categories: frozenset[Category]

    @property
    def index_keywords(self) -> frozenset[str]:
        """Keywords one of which must occur for a match: the any-terms, else one required group.

        Of the required groups the one whose shortest word is longest is picked: long words are
        rarer, so a generic ``+仪器`` does not make the subscription a candidate for every notice.
        """
        if self.any_keywords:
            return self.any_keywords
        if self.all_groups:
            return max(self.all_groups, key=lambda group: min(len(word) for word in group))
        return frozenset()

    @property
    def keywords(self) -> frozenset[str]:
        """Every keyword this subscription needs the automaton to find."""
        return self.any_keywords.union(*self.all_groups, self.none_keywords)


def notice_text(notice: Notice) -> str:
    """The folded text a notice is matched on: title, text, lot names and buyer name."""
    parts = [notice.title or "", notice.text]
    parts.extend(lot.name for lot in notice.lots if lot.name)
    if notice.buyer is not None and notice.buyer.name:
        parts.append(notice.buyer.name)
    return fold_term("\n".join(parts))


def notice_budget(notice: Notice) -> Decimal | None:
    """The notice's budget, or the sum of its lots' known budgets; None when nothing is known."""
    if notice.budget is not None:
        return notice.budget.amount
    amounts = [lot.budget.amount for lot in notice.lots if lot.budget is not None]
    return sum(amounts, Decimal(0)) if amounts else None


def is_whole_token(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is not glued to ASCII letters or digits (GDCT2024 no, 256排CT yes)."""
    if start > 0:
        before = text[start - 1]
        if before.isascii() and before.isalnum():
            return False
    if end < len(text):
        after = text[end]
        if after.isascii() and after.isalnum():
            return False
    return True


def _build_automaton(words: Iterable[str]) -> Any:
    """An Aho-Corasick automaton over ``words``, or None when there are none."""
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, (word, is_short_latin(word)))
    if len(automaton) == 0:
        return None
    automaton.make_automaton()
    return automaton


class Matcher:
    """All subscriptions compiled together; ``match`` returns the ones a notice satisfies.

    Filters: budget uses ``notice.budget`` or the sum of its lots' budgets, and a notice whose budget
    is unknown passes every budget filter (sales people prefer to see it). A region filter needs
    ``notice.region.province`` in the set and a category filter an overlap with
    ``notice.categories``: a notice with unknown province or no category fails those filters.
    ``synonyms`` (term → words) widens ``~`` terms; its answers are cached for the matcher's life.
    """

    def __init__(self, synonyms: SynonymSource | None = None) -> None:
        self._synonyms = synonyms
        self._synonym_cache: dict[str, tuple[str, ...]] = {}
        self._subscriptions: dict[int, _Compiled] = {}
        self._postings: dict[str, set[int]] = {}
        # Subscriptions without terms, by province (``_ANY_PROVINCE`` when they have no region filter).
        self._unconditional: dict[str | None, set[int]] = {}
        self._refcounts: dict[str, int] = {}
        self._main: Any = None
        self._main_words: frozenset[str] = frozenset()
        self._main_stale = True
        self._dead_in_main = 0
        self._recent: Any = None
        self._recent_words: set[str] = set()
        self._recent_stale = False

    def __len__(self) -> int:
        """How many subscriptions are registered."""
        return len(self._subscriptions)

    def add(self, subscription_id: int, query: Query | str) -> None:
        """Register a subscription (a Query or query text), replacing one with the same id."""
        parsed = parse_query(query) if isinstance(query, str) else query
        compiled = self._compile(parsed)
        if subscription_id in self._subscriptions:
            self.remove(subscription_id)
        self._subscriptions[subscription_id] = compiled
        index = compiled.index_keywords
        if not index:
            for province in compiled.regions or (_ANY_PROVINCE,):
                self._unconditional.setdefault(province, set()).add(subscription_id)
        for keyword in index:
            self._postings.setdefault(keyword, set()).add(subscription_id)
        for keyword in compiled.keywords:
            self._acquire(keyword)

    def remove(self, subscription_id: int) -> None:
        """Forget a subscription; unknown ids are ignored."""
        compiled = self._subscriptions.pop(subscription_id, None)
        if compiled is None:
            return
        index = compiled.index_keywords
        if not index:
            for province in compiled.regions or (_ANY_PROVINCE,):
                bucket = self._unconditional[province]
                bucket.discard(subscription_id)
                if not bucket:
                    del self._unconditional[province]
        for keyword in index:
            posting = self._postings[keyword]
            posting.discard(subscription_id)
            if not posting:
                del self._postings[keyword]
        for keyword in compiled.keywords:
            self._release(keyword)

    def compile(self) -> None:
        """Bring the automata up to date now (``match`` does this lazily)."""
        live = len(self._refcounts)
        if (
            self._main_stale
            or len(self._recent_words) > max(_MIN_MERGE, live // 20)
            or self._dead_in_main > max(_MIN_PURGE, len(self._main_words) // 4)
        ):
            self._main_words = frozenset(self._refcounts)
            self._main = _build_automaton(self._main_words)
            self._main_stale = False
            self._dead_in_main = 0
            self._recent_words.clear()
            self._recent = None
            self._recent_stale = False
        elif self._recent_stale:
            self._recent = _build_automaton(self._recent_words)
            self._recent_stale = False

    def match(self, notice: Notice) -> list[MatchResult]:
        """The subscriptions this notice satisfies, sorted by subscription id."""
        self.compile()
        text = notice_text(notice)
        hits = self._scan(text)
        province = notice.region.province if notice.region is not None else None
        candidates = set(self._unconditional.get(_ANY_PROVINCE, ()))
        if province is not None:
            candidates |= self._unconditional.get(province, set())
        for keyword in hits:
            posting = self._postings.get(keyword)
            if posting:
                candidates |= posting
        notice_type = notice.notice_type
        categories = frozenset(notice.categories)
        budget = notice_budget(notice)
        results: list[MatchResult] = []
        for subscription_id in candidates:
            sub = self._subscriptions[subscription_id]
            if sub.regions and province not in sub.regions:
                continue
            if sub.types and notice_type not in sub.types:
                continue
            if sub.categories and sub.categories.isdisjoint(categories):
                continue
            if budget is not None and (
                (sub.budget_min is not None and budget < sub.budget_min)
                or (sub.budget_max is not None and budget > sub.budget_max)
            ):
                continue
            if sub.none_keywords and not sub.none_keywords.isdisjoint(hits):
                continue
            if sub.any_keywords and sub.any_keywords.isdisjoint(hits):
                continue
            if any(group.isdisjoint(hits) for group in sub.all_groups):
                continue
            fired = tuple(keyword for keyword in sub.report_order if keyword in hits)
            results.append(MatchResult(subscription_id, fired))
        results.sort(key=lambda result: result.subscription_id)
        return results

    def _scan(self, text: str) -> set[str]:
        """Every live keyword occurring in ``text`` (short Latin ones only as whole tokens)."""
        hits: set[str] = set()
        for automaton in (self._main, self._recent):
            if automaton is None:
                continue
            for end, (keyword, whole_token) in automaton.iter(text):
                if keyword in hits:
                    continue
                if whole_token and not is_whole_token(text, end + 1 - len(keyword), end + 1):
                    continue
                hits.add(keyword)
        return hits

    def _keywords(self, term: Term) -> tuple[str, ...]:
        """The words a term matches: itself, plus its folded synonyms when widened."""
        if not term.widen or self._synonyms is None:
            return (term.text,)
        cached = self._synonym_cache.get(term.text)
        if cached is None:
            words = [term.text, *(fold_term(word) for word in self._synonyms(term.text))]
            cached = tuple(dict.fromkeys(word for word in words if word))
            self._synonym_cache[term.text] = cached
        return cached

    def _compile(self, query: Query) -> _Compiled:
        """Flatten a query into keyword sets and filter sets."""
        all_words = [self._keywords(term) for term in query.all_terms]
        any_words = [self._keywords(term) for term in query.any_terms]
        report = [word for words in (*all_words, *any_words) for word in words]
        none_words = [word for term in query.none_terms for word in self._keywords(term)]
        return _Compiled(
            any_keywords=frozenset(word for words in any_words for word in words),
            all_groups=tuple(frozenset(words) for words in all_words),
            none_keywords=frozenset(none_words),
            report_order=tuple(dict.fromkeys(report)),
            budget_min=query.budget_min,
            budget_max=query.budget_max,
            regions=query.regions,
            types=query.types,
            categories=query.categories,
        )

    def _acquire(self, keyword: str) -> None:
        """Count one more use of a keyword, scheduling it for the automaton if it is new."""
        count = self._refcounts.get(keyword, 0)
        self._refcounts[keyword] = count + 1
        if count:
            return
        if keyword in self._main_words:
            self._dead_in_main -= 1
        else:
            self._recent_words.add(keyword)
            self._recent_stale = True

    def _release(self, keyword: str) -> None:
        """Count one use fewer; an unused keyword becomes a tombstone (main) or leaves (recent)."""
        count = self._refcounts[keyword] - 1
        if count:
            self._refcounts[keyword] = count
            return
        del self._refcounts[keyword]
        if keyword in self._main_words:
            self._dead_in_main += 1
        else:
            self._recent_words.discard(keyword)
            self._recent_stale = True
