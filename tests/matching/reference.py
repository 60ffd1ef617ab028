"""A naive reference matcher: one subscription at a time, regular expressions, no automaton."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal

from tenderbot.extract.text import fold
from tenderbot.matching.query import Query, Term, fold_term
from tenderbot.models import Notice


def _text(notice: Notice) -> str:
    """Title, text, lot names and buyer name, folded."""
    parts = [notice.title or "", notice.text]
    parts += [lot.name for lot in notice.lots if lot.name]
    if notice.buyer and notice.buyer.name:
        parts.append(notice.buyer.name)
    return fold("\n".join(parts))


def _occurs(word: str, text: str) -> bool:
    """Substring test; ASCII words of up to 4 characters must not touch ASCII letters or digits."""
    if word.isascii() and len(word) <= 4:
        return re.search(rf"(?<![A-Za-z0-9]){re.escape(word)}(?![A-Za-z0-9])", text) is not None
    return word in text


def _words(term: Term, synonyms: Callable[[str], Iterable[str]] | None) -> list[str]:
    """The term and, when widened, its synonyms."""
    words = [term.text]
    if term.widen and synonyms is not None:
        words += [fold_term(word) for word in synonyms(term.text)]
    return [word for word in words if word]


def naive_match(
    query: Query, notice: Notice, synonyms: Callable[[str], Iterable[str]] | None = None
) -> tuple[str, ...] | None:
    """The keywords that fired if ``notice`` satisfies ``query``, else None."""
    text = _text(notice)
    budget: Decimal | None = notice.budget.amount if notice.budget else None
    if budget is None and any(lot.budget for lot in notice.lots):
        budget = sum((lot.budget.amount for lot in notice.lots if lot.budget), Decimal(0))
    if budget is not None:
        if query.budget_min is not None and budget < query.budget_min:
            return None
        if query.budget_max is not None and budget > query.budget_max:
            return None
    province = notice.region.province if notice.region else None
    if query.regions and province not in query.regions:
        return None
    if query.types and notice.notice_type not in query.types:
        return None
    if query.categories and not set(query.categories) & set(notice.categories):
        return None
    for term in query.none_terms:
        if any(_occurs(word, text) for word in _words(term, synonyms)):
            return None
    fired: list[str] = []
    for term in query.all_terms:
        found = [word for word in _words(term, synonyms) if _occurs(word, text)]
        if not found:
            return None
        fired += found
    any_found = [word for term in query.any_terms for word in _words(term, synonyms) if _occurs(word, text)]
    if query.any_terms and not any_found:
        return None
    fired += any_found
    return tuple(dict.fromkeys(fired))
