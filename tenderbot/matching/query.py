"""The subscription query language: ``液相色谱 +仪 -维修 "液相 色谱" 预算:50万-500万 地区:江苏`` → Query.

Syntax (DESIGN.md §5): plain words match if any of them occurs; ``+word`` is required; ``-word`` or
``!word`` excludes; ``~word`` widens a word to its taxonomy synonyms; "…", “…” and 「…」 quote a phrase;
filters ``预算:`` ``地区:`` ``类型:`` ``类别:`` (or budget/region/type/cat, ``:`` or ``：``). Terms are
stored folded (Simplified, half-width, lower case) so they compare directly with folded notice text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from tenderbot.errors import QueryError
from tenderbot.extract.text import fold
from tenderbot.matching.budget import describe_budget, format_amount, parse_budget
from tenderbot.matching.vocab import (
    BUDGET,
    CATEGORY,
    CATEGORY_LABELS,
    CATEGORY_NAMES,
    CATEGORY_ORDER,
    FILTER_KEYS,
    NOTICE_TYPE_LABELS,
    NOTICE_TYPE_NAMES,
    NOTICE_TYPE_ORDER,
    PROVINCE_NAMES,
    PROVINCE_ORDER,
    REGION,
    TYPE,
)
from tenderbot.models import Category, NoticeType
from tenderbot.texts import Message

MAX_TERMS = 30
MAX_TERM_LENGTH = 50
MAX_QUERY_LENGTH = 2000
SHORT_LATIN_LENGTH = 4

_QUOTE_PAIRS = {'"': '"', "“": "”", "「": "」"}
_QUOTE_CHARS = frozenset('"“”「」')
_SIGNS = "+-!"
_PREFIX_CHARS = "+-!~"
# Outside quotes these separate nothing: “液相色谱,质谱” is almost always meant as two words.
_TERM_SEPARATORS = ",、;"
_TERM_SEPARATOR_SET = frozenset(_TERM_SEPARATORS)
_NON_SPACE = re.compile(r"\S+")  # \s is str.isspace() for str patterns
_VALUE_SEPARATORS = ",、;|/"


def is_short_latin(word: str) -> bool:
    """Whether a folded word is a short Latin abbreviation (CT, PCR) that must match as a whole token."""
    return word.isascii() and len(word) <= SHORT_LATIN_LENGTH


@dataclass(frozen=True, slots=True)
class Term:
    """One search word or phrase, folded; ``widen`` asks for its taxonomy synonyms too."""

    text: str
    widen: bool = False

    @property
    def whole_token(self) -> bool:
        """Whether this term only matches as a whole token (short ASCII abbreviation)."""
        return is_short_latin(self.text)

    def spelled(self) -> str:
        """The term as written in a canonical query (quoted when it needs to be, ``~`` if widened)."""
        needs_quotes = (
            self.text[0] in _PREFIX_CHARS
            or ":" in self.text
            or any(char.isspace() or char in _VALUE_SEPARATORS for char in self.text)
        )
        body = f'"{self.text}"' if needs_quotes else self.text
        return f"~{body}" if self.widen else body

    def label(self) -> str:
        """The term for humans: the word, marked when synonyms are included."""
        return f"{self.text}（含同义词）" if self.widen else self.text


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed subscription query: term lists and filters; empty filters mean "any"."""

    any_terms: tuple[Term, ...] = ()
    all_terms: tuple[Term, ...] = ()
    none_terms: tuple[Term, ...] = ()
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None
    regions: frozenset[str] = frozenset()
    types: frozenset[NoticeType] = frozenset()
    categories: frozenset[Category] = frozenset()

    @property
    def has_filters(self) -> bool:
        """Whether any filter (budget, region, type, category) is set."""
        return bool(
            self.budget_min is not None
            or self.budget_max is not None
            or self.regions
            or self.types
            or self.categories
        )

    def canonical(self) -> str:
        """A normalised query string that parses back to an equal Query."""
        parts = [term.spelled() for term in self.any_terms]
        parts += ["+" + term.spelled() for term in self.all_terms]
        parts += ["-" + term.spelled() for term in self.none_terms]
        if self.budget_min is not None or self.budget_max is not None:
            low = format_amount(self.budget_min) if self.budget_min is not None else ""
            high = format_amount(self.budget_max) if self.budget_max is not None else ""
            parts.append(f"预算:{low}-{high}")
        if self.regions:
            parts.append("地区:" + ",".join(p for p in PROVINCE_ORDER if p in self.regions))
        if self.types:
            parts.append("类型:" + ",".join(NOTICE_TYPE_LABELS[t] for t in NOTICE_TYPE_ORDER if t in self.types))
        if self.categories:
            labels = (CATEGORY_LABELS[c] for c in CATEGORY_ORDER if c in self.categories)
            parts.append("类别:" + ",".join(labels))
        return " ".join(parts)

    def describe(self) -> str:
        """A short Chinese summary of what the query matches."""
        pieces: list[str] = []
        if self.any_terms:
            head = "含" if len(self.any_terms) == 1 else "含任一"
            pieces.append(head + "：" + "、".join(term.label() for term in self.any_terms))
        if self.all_terms:
            pieces.append("必须含：" + "、".join(term.label() for term in self.all_terms))
        if not self.any_terms and not self.all_terms:
            pieces.append("不限关键词")
        if self.none_terms:
            pieces.append("排除：" + "、".join(term.label() for term in self.none_terms))
        if self.budget_min is not None or self.budget_max is not None:
            pieces.append("预算：" + describe_budget(self.budget_min, self.budget_max) + "（预算未知的也推送）")
        if self.regions:
            pieces.append("地区：" + "、".join(p for p in PROVINCE_ORDER if p in self.regions))
        if self.types:
            pieces.append("类型：" + "、".join(NOTICE_TYPE_LABELS[t] for t in NOTICE_TYPE_ORDER if t in self.types))
        if self.categories:
            pieces.append("类别：" + "、".join(CATEGORY_LABELS[c] for c in CATEGORY_ORDER if c in self.categories))
        return "；".join(pieces)


@dataclass(frozen=True, slots=True)
class _Token:
    """A whitespace-delimited piece of a query: prefix characters, body, and whether it was quoted."""

    prefix: str
    body: str
    quoted: bool


def _tokens(text: str) -> Iterator[_Token]:
    """Split a query into tokens, honouring quotes."""
    index, length = 0, len(text)
    while index < length:
        if text[index].isspace():
            index += 1
            continue
        start = index
        while index < length and text[index] in _PREFIX_CHARS:
            index += 1
        prefix = text[start:index]
        if index < length and text[index] in _QUOTE_PAIRS:
            opening = text[index]
            closing = _QUOTE_PAIRS[opening]
            end = text.find(closing, index + 1)
            if end < 0:
                raise QueryError("q_unclosed_quote", start=text[start : start + 20], opening=opening, closing=closing)
            body = text[index + 1 : end]
            if not _QUOTE_CHARS.isdisjoint(body):
                raise QueryError("q_nested_quote", opening=opening, body=body, closing=closing)
            index = end + 1
            if index < length and not text[index].isspace():
                word = text[index:].split(maxsplit=1)[0]
                raise QueryError("q_after_quote", word=word, opening=opening, body=body, closing=closing)
            yield _Token(prefix, body, quoted=True)
        else:
            found = _NON_SPACE.match(text, index)
            end = found.end() if found is not None else index
            yield _Token(prefix, text[index:end], quoted=False)
            index = end


@lru_cache(maxsize=65536)
def fold_term(raw: str) -> str:
    """Fold a term to a fixed point, so folding a canonical query again changes nothing.

    Cached: 100,000 stored subscriptions repeat the same few thousand words, and the bot parses
    them all at start-up.
    """
    text = fold(raw)
    for _ in range(3):
        again = fold(text)
        if again == text:
            break
        text = again
    return text


def _split_values(value: str) -> list[str]:
    """Split a filter value on its list separators, dropping empty items."""
    for separator in _VALUE_SEPARATORS[1:]:
        value = value.replace(separator, ",")
    return [item for item in value.split(",") if item]


class _Builder:
    """Accumulates terms and filters while a query is parsed."""

    def __init__(self) -> None:
        self.any_terms: list[Term] = []
        self.all_terms: list[Term] = []
        self.none_terms: list[Term] = []
        self.budget: tuple[Decimal | None, Decimal | None] | None = None
        self.regions: set[str] = set()
        self.types: set[NoticeType] = set()
        self.categories: set[Category] = set()

    def add_term(self, token: _Token) -> None:
        """Add a search term from a token, checking its prefix, quotes and length."""
        signs = [char for char in token.prefix if char in _SIGNS]
        widen = token.prefix.count("~")
        if len(signs) > 1 or widen > 1:
            raise QueryError("q_bad_prefix", prefix=token.prefix, body=token.body)
        written = token.prefix + (f'"{token.body}"' if token.quoted else token.body)
        if not token.quoted:
            if not _QUOTE_CHARS.isdisjoint(token.body):
                raise QueryError("q_unpaired_quote", written=written)
            if not _TERM_SEPARATOR_SET.isdisjoint(token.body):
                fixed = token.body
                for separator in _TERM_SEPARATORS:
                    fixed = fixed.replace(separator, " ")
                raise QueryError("q_separator", written=written, fixed=" ".join(fixed.split()))
        text = fold_term(token.body)
        if not text:
            if token.prefix:
                raise QueryError("q_empty_after_prefix", written=written, prefix=token.prefix)
            raise QueryError("q_empty_quotes", written=written)
        if not _QUOTE_CHARS.isdisjoint(text):
            raise QueryError("q_quote_in_term", written=written)
        if len(text) > MAX_TERM_LENGTH:
            raise QueryError("q_term_too_long", start=text[:20], length=len(text), limit=MAX_TERM_LENGTH)
        term = Term(text, widen=bool(widen))
        if not signs:
            self.any_terms.append(term)
        elif signs[0] == "+":
            self.all_terms.append(term)
        else:
            self.none_terms.append(term)

    def add_filter(self, kind: str, key: str, value: str) -> None:
        """Add one filter, ``key:value``, already split from its token."""
        if kind == BUDGET:
            if self.budget is not None:
                raise QueryError("q_budget_twice")
            self.budget = parse_budget(fold_term(value))
            return
        items = _split_values(value)
        if not items:
            raise QueryError("q_filter_empty", key=key, example=_FILTER_EXAMPLES[kind])
        for item in items:
            folded = fold_term(item)
            if kind == REGION:
                if folded not in PROVINCE_NAMES:
                    raise QueryError("q_bad_region", item=item, example=_FILTER_EXAMPLES[REGION])
                self.regions.add(PROVINCE_NAMES[folded])
            elif kind == TYPE:
                if folded not in NOTICE_TYPE_NAMES:
                    options = "、".join(NOTICE_TYPE_LABELS.values())
                    raise QueryError("q_bad_type", item=item, options=options, example=_FILTER_EXAMPLES[TYPE])
                self.types.add(NOTICE_TYPE_NAMES[folded])
            else:
                if folded not in CATEGORY_NAMES:
                    raise QueryError("q_bad_category", item=item, example=_FILTER_EXAMPLES[CATEGORY])
                self.categories.add(CATEGORY_NAMES[folded])

    def build(self) -> Query:
        """Check the whole query (limits, conflicts, emptiness) and freeze it."""
        all_terms = _unique(self.all_terms)
        any_terms = [term for term in _unique(self.any_terms) if term not in all_terms]
        none_terms = _unique(self.none_terms)
        wanted = {term.text for term in (*any_terms, *all_terms)}
        for term in none_terms:
            if term.text in wanted:
                raise QueryError("q_wanted_and_excluded", term=term.text, spelled=term.spelled())
        count = len(any_terms) + len(all_terms) + len(none_terms)
        if count > MAX_TERMS:
            raise QueryError("q_too_many_terms", count=count, limit=MAX_TERMS)
        low, high = self.budget if self.budget is not None else (None, None)
        query = Query(
            any_terms=tuple(any_terms),
            all_terms=tuple(all_terms),
            none_terms=tuple(none_terms),
            budget_min=low,
            budget_max=high,
            regions=frozenset(self.regions),
            types=frozenset(self.types),
            categories=frozenset(self.categories),
        )
        if not query.any_terms and not query.all_terms and not query.has_filters:
            if query.none_terms:
                excluded = " ".join("-" + term.spelled() for term in query.none_terms)
                raise QueryError("q_only_excluded", excluded=excluded)
            raise QueryError("q_empty")
        return query


_FILTER_EXAMPLES = {
    BUDGET: Message("q_ex_budget"),
    REGION: Message("q_ex_region"),
    TYPE: Message("q_ex_type"),
    CATEGORY: Message("q_ex_category"),
}


def _unique(terms: list[Term]) -> list[Term]:
    """Terms without repeats, first occurrence first."""
    return list(dict.fromkeys(terms))


def _filter_key(token: _Token) -> tuple[str, str, str] | None:
    """``(kind, key, value)`` when an unquoted token is a filter, else None; unknown keys are errors."""
    if token.quoted or ":" not in token.body:
        return None
    key, _, value = token.body.partition(":")
    kind = FILTER_KEYS.get(fold_term(key))
    if kind is None:
        raise QueryError("q_unknown_filter", key=key, body=token.body)
    if token.prefix:
        raise QueryError("q_prefixed_filter", prefix=token.prefix, body=token.body)
    return kind, key, value


def parse_query(text: str) -> Query:
    """Parse a subscription query; raise QueryError saying what is wrong and what to write instead."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError("q_too_long", length=len(text), limit=MAX_QUERY_LENGTH)
    if any("\ud800" <= char <= "\udfff" for char in text):
        raise QueryError("q_surrogates")
    # NFKC first: full-width ＋－！～：and the ideographic space become their ASCII forms.
    tokens = list(_tokens(unicodedata.normalize("NFKC", text)))
    builder = _Builder()
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        found = _filter_key(token)
        if found is None:
            builder.add_term(token)
            continue
        kind, key, value = found
        # “地区: 江苏, 浙江” — a value written after a space, or continued after a separator.
        while index < len(tokens) and (not value or value[-1] in _VALUE_SEPARATORS):
            following = tokens[index]
            # “预算: -500万” — here the “-” is the open lower bound, not an exclusion.
            takes_prefix = kind == BUDGET and not value
            if (following.prefix and not takes_prefix) or following.quoted or _looks_like_filter(following):
                break
            value += following.prefix + following.body
            index += 1
        builder.add_filter(kind, key, value)
    return builder.build()


def _looks_like_filter(token: _Token) -> bool:
    """Whether a token starts a filter of its own (so it does not continue the previous value)."""
    return not token.quoted and ":" in token.body and fold_term(token.body.partition(":")[0]) in FILTER_KEYS
