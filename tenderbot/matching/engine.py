"""Match notices against many subscriptions at once: one Aho-Corasick pass, then only the hit ones.

Every keyword of every subscription (terms, plus taxonomy synonyms of ``~`` terms) lives in one
automaton (see automata.py for cheap incremental updates); a notice is scanned once. Subscriptions
are filed under (keyword, province, notice type, category), so what a notice gathers already has a
hit keyword and the right region, type and category. Exclusions are removed with set operations.
Almost every subscription is "plain": it is filed with a prebuilt MatchResult, grouped by its
condition (budget range and required words, checked once per group), and gathered with dict.update
in C. Only subscriptions with a widened required term, and plain ones hit through two keywords
(which report both), are evaluated one by one in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from tenderbot.errors import QueryError
from tenderbot.extract.text import fold
from tenderbot.matching.automata import KeywordScanner, is_whole_token
from tenderbot.matching.query import Query, Term, fold_term, parse_query
from tenderbot.models import Category, Notice, NoticeType

__all__ = ["MatchResult", "Matcher", "SynonymSource", "is_whole_token", "notice_budget", "notice_text"]

SynonymSource = Callable[[str], Iterable[str]]

# Subscriptions are filed by keyword, then by place: (province, notice type value, category value).
# None stands for "no such filter", and the empty keyword (never a real one) holds the subscriptions
# without terms. Plain strings, not enum members, so the garbage collector can untrack the tuples.
_Place = tuple[str | None, str | None, str | None]


# (budget minimum, budget maximum, required words): what a plain subscription needs beyond its
# posting. People pick round budgets and the same few required words, so conditions are few.
_Condition = tuple[Decimal | None, Decimal | None, frozenset[str]]


@dataclass(slots=True)
class _Posting:
    """The subscriptions filed under one keyword and place: plain ones with their result, without
    a condition or grouped by condition (checked once per group), and the others."""

    # None until used: most postings hold a handful of subscriptions, and an empty set is 216 bytes.
    plain: dict[int, MatchResult] | None = None
    conditional: dict[_Condition, dict[int, MatchResult]] | None = None
    others: set[int] | None = None

    def __bool__(self) -> bool:
        """Whether anything is still filed here."""
        return bool(self.plain or self.conditional or self.others)
_NO_TERMS = ""
_T = TypeVar("_T")


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
    # The required terms split for speed: single words (checked with one subset test) and widened groups.
    required: frozenset[str]
    required_groups: tuple[frozenset[str], ...]
    none_keywords: frozenset[str]
    report_order: tuple[str, ...]
    report_set: frozenset[str]
    budget_min: Decimal | None
    budget_max: Decimal | None
    regions: frozenset[str]
    types: frozenset[NoticeType]
    categories: frozenset[Category]

    @property
    def plain(self) -> bool:
        """Whether its posting and its condition decide a match, so results can be prebuilt.

        True unless a required term is widened to several words: region, type and category are in
        the posting key; budget and required words are checked once per condition and posting.
        """
        return not self.required_groups

    @property
    def condition(self) -> _Condition | None:
        """The budget range and required words, or None when there are neither."""
        if self.budget_min is None and self.budget_max is None and not self.required:
            return None
        return (self.budget_min, self.budget_max, self.required)

    def fired_with(self, keyword: str) -> tuple[str, ...]:
        """What a plain match through ``keyword`` reports: the required words and that keyword."""
        return tuple(word for word in self.report_order if word == keyword or word in self.required)

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
        return frozenset({_NO_TERMS})

    @property
    def keywords(self) -> frozenset[str]:
        """Every keyword this subscription needs the automaton to find."""
        return self.any_keywords.union(*self.all_groups, self.none_keywords)

    def posting_keys(self) -> list[tuple[str, _Place]]:
        """Where it is filed: every index keyword × allowed province × allowed type × allowed category."""
        provinces: Iterable[str | None] = self.regions or (None,)
        types: Iterable[str | None] = [kind.value for kind in self.types] or (None,)
        categories: Iterable[str | None] = [category.value for category in self.categories] or (None,)
        return [
            (word, (province, kind, category))
            for word in self.index_keywords
            for province in provinces
            for kind in types
            for category in categories
        ]


def notice_text(notice: Notice) -> str:
    """The folded text a notice is matched on: title, text, lot names and buyer name."""
    parts = [notice.title or "", notice.text]
    parts.extend(lot.name for lot in notice.lots if lot.name)
    if notice.buyer is not None and notice.buyer.name:
        parts.append(notice.buyer.name)
    return fold("\n".join(parts))


def notice_budget(notice: Notice) -> Decimal | None:
    """The notice's budget, or the sum of its lots' known budgets; None when nothing is known."""
    if notice.budget is not None:
        return notice.budget.amount
    amounts = [lot.budget.amount for lot in notice.lots if lot.budget is not None]
    return sum(amounts, Decimal(0)) if amounts else None


class Matcher:
    """All subscriptions compiled together; ``match`` returns the ones a notice satisfies.

    Filters: budget uses ``notice.budget`` or the sum of its lots' budgets, and a notice whose budget
    is unknown passes every budget filter (sales people prefer to see it). A region filter needs
    ``notice.region.province`` in the set and a category filter an overlap with
    ``notice.categories``: a notice with unknown province or no category fails those filters.
    ``synonyms`` (term → words) widens ``~`` terms; its answers are cached for the matcher's life.
    ``MatchResult.terms`` are folded keywords (``ct``, ``hplc``): required terms first, then the
    others, in query order, a widened term by the synonyms that actually occurred.
    Not thread-safe: one matcher per event loop or process (the bot and the pipeline share one).
    """

    def __init__(self, synonyms: SynonymSource | None = None) -> None:
        self._synonyms = synonyms
        self._synonym_cache: dict[str, tuple[str, ...]] = {}
        # One shared object per distinct set: 100,000 subscriptions repeat the same few regions,
        # types and words, and a frozenset costs 200 bytes or more.
        self._interned: dict[frozenset[Any], frozenset[Any]] = {}
        self._subscriptions: dict[int, _Compiled] = {}
        # Plain subscriptions (see _Compiled.plain) with their result for that one keyword, built once,
        # so most matches are gathered by dict.update in C; the others are evaluated per notice.
        # keyword → (province, type, category) → posting; the place tuples of a notice are built
        # once per notice and reused for every hit keyword.
        self._filed: dict[str, dict[_Place, _Posting]] = {}
        self._excluders: dict[str, set[int]] = {}
        self._last_results: dict[int, MatchResult] = {}
        self._scanner = KeywordScanner()

    def __len__(self) -> int:
        """How many subscriptions are registered."""
        return len(self._subscriptions)

    def __getstate__(self) -> dict[str, Any]:
        """Picklable state: everything but the synonym source (a callable the loader binds again)."""
        state = {name: getattr(self, name) for name in self.__dict__}
        state["_synonyms"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore a pickled matcher; call ``bind_synonyms`` before adding ``~`` terms."""
        self.__dict__.update(state)

    def bind_synonyms(self, synonyms: SynonymSource | None) -> None:
        """Set the synonym source of a matcher restored from a cache (its widened terms are already filed)."""
        self._synonyms = synonyms

    def add(self, subscription_id: int, query: Query | str) -> None:
        """Register a subscription (a Query or query text), replacing one with the same id."""
        parsed = parse_query(query) if isinstance(query, str) else query
        compiled = self._compile(parsed)
        self.remove(subscription_id)
        self._subscriptions[subscription_id] = compiled
        if compiled.plain:
            results: dict[str, MatchResult] = {}
            condition = compiled.condition
            for word, place in compiled.posting_keys():
                if word not in results:
                    results[word] = MatchResult(subscription_id, compiled.fired_with(word))
                posting = self._posting(word, place)
                if condition is None:
                    if posting.plain is None:
                        posting.plain = {}
                    posting.plain[subscription_id] = results[word]
                else:
                    if posting.conditional is None:
                        posting.conditional = {}
                    posting.conditional.setdefault(condition, {})[subscription_id] = results[word]
        else:
            for word, place in compiled.posting_keys():
                posting = self._posting(word, place)
                if posting.others is None:
                    posting.others = set()
                posting.others.add(subscription_id)
        for keyword in compiled.none_keywords:
            self._excluders.setdefault(keyword, set()).add(subscription_id)
        for keyword in compiled.keywords:
            self._scanner.acquire(keyword)

    def remove(self, subscription_id: int) -> None:
        """Forget a subscription; unknown ids are ignored."""
        compiled = self._subscriptions.pop(subscription_id, None)
        if compiled is None:
            return
        for word, place in compiled.posting_keys():
            places = self._filed[word]
            posting = places[place]
            if posting.plain is not None:
                posting.plain.pop(subscription_id, None)
            if posting.others is not None:
                posting.others.discard(subscription_id)
            condition = compiled.condition
            if condition is not None and posting.conditional is not None and condition in posting.conditional:
                posting.conditional[condition].pop(subscription_id, None)
                if not posting.conditional[condition]:
                    del posting.conditional[condition]
            if not posting:
                del places[place]
                if not places:
                    del self._filed[word]
        for keyword in compiled.none_keywords:
            _discard(self._excluders, keyword, subscription_id)
        self._last_results.pop(subscription_id, None)
        for keyword in compiled.keywords:
            self._scanner.release(keyword)

    def _posting(self, word: str, place: _Place) -> _Posting:
        """The posting for a keyword and place, created when missing."""
        places = self._filed.setdefault(word, {})
        posting = places.get(place)
        if posting is None:
            posting = places[place] = _Posting()
        return posting

    def compile(self) -> None:
        """Bring the automata up to date now (``match`` does this lazily)."""
        self._scanner.compile()

    def match(self, notice: Notice) -> list[MatchResult]:
        """The subscriptions this notice satisfies, sorted by subscription id."""
        hits = self._scanner.scan(notice_text(notice))
        province = notice.region.province if notice.region is not None else None
        places = [
            (place, kind, category)
            for place in dict.fromkeys((None, province))
            for kind in (None, notice.notice_type.value)
            for category in dict.fromkeys((None, *(category.value for category in notice.categories)))
        ]
        # Region, type, category and one index keyword hold for everything gathered here: that is
        # how it was filed.
        budget = notice_budget(notice)
        found: dict[int, MatchResult] = {}
        seen: set[int] = set()
        repeated: set[int] = set()
        candidates: set[int] = set()
        for keyword in (_NO_TERMS, *hits):
            filed = self._filed.get(keyword)
            if filed is None:
                continue
            keyword_ids: set[int] = set()
            for place in places:
                posting = filed.get(place)
                if posting is not None:
                    if posting.plain:
                        found.update(posting.plain)
                        keyword_ids.update(posting.plain)
                    for (low, high, required), ready in (posting.conditional or {}).items():
                        # A notice whose budget is unknown passes every budget filter.
                        if (
                            budget is None or ((low is None or low <= budget) and (high is None or budget <= high))
                        ) and required <= hits:
                            found.update(ready)
                            keyword_ids.update(ready)
                    if posting.others:
                        candidates |= posting.others
            if keyword_ids:
                repeated |= seen & keyword_ids
                seen |= keyword_ids
        for keyword in hits:
            excluders = self._excluders.get(keyword)
            if excluders is not None:
                # Not ``-=``: that walks all 7,000 subscriptions excluding 维修, this walks the candidates.
                candidates = candidates - excluders
                for subscription_id in excluders.intersection(found):
                    del found[subscription_id]
        # A plain subscription hit through two keywords reports both, in query order.
        for subscription_id in repeated.intersection(found):
            found[subscription_id] = self._result(subscription_id, self._subscriptions[subscription_id], hits)
        for subscription_id in candidates:
            sub = self._subscriptions[subscription_id]
            if budget is not None and (
                (sub.budget_min is not None and budget < sub.budget_min)
                or (sub.budget_max is not None and budget > sub.budget_max)
            ):
                continue
            if sub.required and not sub.required <= hits:
                continue
            if sub.required_groups and any(group.isdisjoint(hits) for group in sub.required_groups):
                continue
            found[subscription_id] = self._result(subscription_id, sub, hits)
        return [found[subscription_id] for subscription_id in sorted(found)]

    def _result(self, subscription_id: int, sub: _Compiled, hits: set[str]) -> MatchResult:
        """The MatchResult of a matching subscription: the words of its query that occurred."""
        report = sub.report_order
        if len(report) > 1:
            fired = sub.report_set & hits
            if len(fired) == 1:
                report = tuple(fired)
            elif len(fired) < len(report):
                report = tuple(filter(fired.__contains__, report))
        # Building a frozen dataclass costs more than the checks; a subscription mostly fires on
        # the same words notice after notice, so its last result is reused.
        last = self._last_results.get(subscription_id)
        if last is None or last.terms != report:
            last = self._last_results[subscription_id] = MatchResult(subscription_id, report)
        return last

    def _keywords(self, term: Term) -> tuple[str, ...]:
        """The words a term matches: itself, plus its folded synonyms when widened.

        Folded again (cheap, cached) so a hand-built ``Term("CT")`` behaves like a parsed one.
        """
        text = fold_term(term.text)
        if not term.widen or self._synonyms is None:
            return (text,) if text else ()
        cached = self._synonym_cache.get(text)
        if cached is None:
            words = [text, *(fold_term(word) for word in self._synonyms(text))]
            cached = tuple(dict.fromkeys(word for word in words if word))
            self._synonym_cache[text] = cached
        return cached

    def _compile(self, query: Query) -> _Compiled:
        """Flatten a query into keyword sets and filter sets."""
        intern = self._intern
        for term in (*query.any_terms, *query.all_terms, *query.none_terms):
            if not fold_term(term.text):
                raise QueryError("q_empty_term", term=term.text)
        all_words = [self._keywords(term) for term in query.all_terms]
        any_words = [self._keywords(term) for term in query.any_terms]
        report = tuple(dict.fromkeys(word for words in (*all_words, *any_words) for word in words))
        return _Compiled(
            any_keywords=intern(frozenset(word for words in any_words for word in words)),
            all_groups=tuple(intern(frozenset(words)) for words in all_words),
            required=intern(frozenset(words[0] for words in all_words if len(words) == 1)),
            required_groups=tuple(intern(frozenset(words)) for words in all_words if len(words) != 1),
            none_keywords=intern(frozenset(word for term in query.none_terms for word in self._keywords(term))),
            report_order=report,
            report_set=intern(frozenset(report)),
            budget_min=query.budget_min,
            budget_max=query.budget_max,
            regions=intern(query.regions),
            types=intern(query.types),
            categories=intern(query.categories),
        )

    def _intern(self, items: frozenset[_T]) -> frozenset[_T]:
        """The shared copy of an equal frozenset."""
        return self._interned.setdefault(items, items)


def _discard(index: dict[_T, set[int]], key: _T, subscription_id: int) -> None:
    """Remove an id from one posting set, dropping the set when it empties."""
    posting = index[key]
    posting.discard(subscription_id)
    if not posting:
        del index[key]


