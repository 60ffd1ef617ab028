"""The instrument / medical keyword taxonomy: loading, synonym lookup and one-pass term scanning.

All patterns (product terms, generic words, negative words, override phrases, purchaser hints)
live in one Aho-Corasick automaton over case-folded text. Overlaps resolve longest-first within
the product layer and within the filter layer, so 药品冷藏箱 is a product (not the negative 药品)
and 核磁共振波谱仪 is an NMR spectrometer (not the MRI alias 核磁共振).
"""

from __future__ import annotations

import binascii
import json
import logging
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import ahocorasick

from tenderbot.errors import ConfigError
from tenderbot.extract import text as _text_module
from tenderbot.extract.text import fold, normalize
from tenderbot.models import Category

DEFAULT_TAXONOMY_PATH = Path(__file__).resolve().parents[2] / "config" / "taxonomy.yaml"
log = logging.getLogger(__name__)
_POLICIES = frozenset({"always", "override", "equipment", "specific"})
# A term right before one of these is part of a company name (安徽上药园大医疗器械有限公司), not a purchase.
_COMPANY_TAIL = ("有限公司", "公司", "股份", "集团", "厂", "经营部", "商行", "贸易")


class Kind(StrEnum):
    """What a taxonomy pattern is."""

    TERM = "term"  # a specific product (液相色谱仪)
    CONTEXT = "context"  # a product that only counts beside an equipment word (病床, 采样器)
    CLASS = "class"  # a class word enough on its own in a title (医疗设备, 分析仪器)
    GENERIC = "generic"  # a weak word (检测设备, 实验室设备)
    NEGATIVE = "negative"
    OVERRIDE = "override"
    HINT = "hint"  # purchaser word (医院, 疾控)


_PRODUCT_KINDS = frozenset({Kind.TERM, Kind.CONTEXT, Kind.CLASS, Kind.GENERIC})
_FILTER_KINDS = frozenset({Kind.NEGATIVE, Kind.OVERRIDE})


@dataclass(frozen=True, slots=True)
class Entry:
    """One meaning of a pattern: its kind, canonical term, category and (for negatives) group."""

    kind: Kind
    canonical: str
    category: Category | None = None
    group: str = ""


@dataclass(frozen=True, slots=True)
class Hit:
    """A pattern found in folded text at ``[start, end)``."""

    start: int
    end: int
    pattern: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class CategoryDecision:
    """Categories of a notice, the canonical terms that decided them, and any vetoing words."""

    categories: tuple[Category, ...] = ()
    terms: tuple[str, ...] = ()
    excluded_by: tuple[str, ...] = ()


def _is_ascii_alnum(char: str) -> bool:
    """True for ASCII letters and digits (the neighbours that break a Latin token)."""
    return char.isascii() and char.isalnum()


def _ordered(categories: Iterable[Category]) -> tuple[Category, ...]:
    """Categories in their declaration order, without duplicates."""
    wanted = set(categories)
    return tuple(category for category in Category if category in wanted)


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    """Items in first-seen order without duplicates."""
    return tuple(dict.fromkeys(items))


class Taxonomy:
    """A compiled taxonomy: ``scan`` text for terms, ``synonyms`` of a term, ``classify`` a notice."""

    def __init__(self, data: Mapping[str, Any], *, compiled: Mapping[str, Any] | None = None) -> None:
        """Compile the parsed YAML mapping (or restore ``compiled()`` output); ``ConfigError`` when malformed."""
        self._patterns: dict[str, list[Entry]] = {}
        self._families: dict[str, frozenset[str]] = {}
        self._policy: dict[str, str] = {}
        try:
            if compiled is not None:
                self._restore(compiled)
            else:
                self._load(data)
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ConfigError(f"taxonomy is malformed: {exc!r}") from exc
        automaton = ahocorasick.Automaton()
        for pattern, entries in self._patterns.items():
            automaton.add_word(pattern, (pattern, tuple(entries)))
        if len(automaton):
            automaton.make_automaton()
        self._automaton = automaton

    def compiled(self) -> dict[str, Any]:
        """The folded patterns, families and policies as JSON-ready data (what the load cache stores)."""
        return {
            "patterns": {pattern: [[e.kind.value, e.canonical, e.category.value if e.category else None, e.group]
                                   for e in entries] for pattern, entries in self._patterns.items()},
            "families": {form: sorted(family) for form, family in self._families.items()},
            "policy": dict(self._policy),
        }

    def _restore(self, blob: Mapping[str, Any]) -> None:
        """Fill the tables from ``compiled()`` output."""
        for pattern, entries in blob["patterns"].items():
            self._patterns[pattern] = [Entry(Kind(kind), canonical, Category(category) if category else None, group)
                                       for kind, canonical, category, group in entries]
        self._families = {form: frozenset(family) for form, family in blob["families"].items()}
        self._policy = dict(blob["policy"])

    def _add(self, pattern: str, entry: Entry) -> None:
        """Register ``pattern`` (folded) with one more meaning."""
        key = fold(str(pattern))
        if not key:
            return
        entries = self._patterns.setdefault(key, [])
        if entry not in entries:
            entries.append(entry)

    def _load(self, data: Mapping[str, Any]) -> None:
        """Read categories, negatives, policies, hints and overrides from the YAML mapping."""
        for name, body in data["categories"].items():
            category = Category(name)
            for word in body.get("generic_terms") or ():
                self._add(word, Entry(Kind.GENERIC, normalize(str(word)), category))
            for word in body.get("class_terms") or ():
                self._add(word, Entry(Kind.CLASS, normalize(str(word)), category))
            for sub in body.get("subcategories") or ():
                for term in sub["terms"]:
                    canonical = normalize(str(term["zh"]))
                    match = term.get("match")
                    # "token" is documentation only: every ASCII-edged term is matched as a whole token.
                    if match not in (None, "token", "context"):
                        raise ConfigError(f"taxonomy term {canonical}: match must be token or context, not {match!r}")
                    kind = Kind.CONTEXT if match == "context" else Kind.TERM
                    forms = [fold(canonical), *(fold(str(alias)) for alias in term.get("aliases") or ())]
                    family = frozenset(form for form in forms if form)
                    for form in family:
                        self._add(form, Entry(kind, canonical, category))
                        self._families[form] = self._families.get(form, frozenset()) | family
        policies = data.get("negative_policy") or {}
        for group, words in (data.get("negative") or {}).items():
            policy = str(policies.get(group, "equipment"))
            if policy not in _POLICIES:
                raise ConfigError(f"taxonomy negative_policy for {group!r} must be one of {sorted(_POLICIES)}")
            self._policy[group] = policy
            for word in words or ():
                self._add(word, Entry(Kind.NEGATIVE, fold(str(word)), group=group))
        for word in (data.get("overrides") or {}).get("keep_if_title_has") or ():
            self._add(word, Entry(Kind.OVERRIDE, fold(str(word))))
        for name, words in (data.get("purchaser_hints") or {}).items():
            for word in words or ():
                self._add(word, Entry(Kind.HINT, fold(str(word)), Category(name)))

    def synonyms(self, term: str) -> frozenset[str]:
        """The canonical term and all aliases of the entry containing ``term`` (folded); empty if unknown."""
        key = fold(term)
        family = self._families.get(key)
        if family is not None:
            return family
        if any(entry.kind in (Kind.CLASS, Kind.GENERIC) for entry in self._patterns.get(key, ())):
            return frozenset({key})
        return frozenset()

    def scan(self, folded: str) -> list[Hit]:
        """All token-valid pattern hits in already-folded text, overlaps resolved longest-first per layer."""
        if not folded or not len(self._automaton):
            return []
        raw: list[Hit] = []
        for end_index, (pattern, entries) in self._automaton.iter(folded):
            start = end_index - len(pattern) + 1
            end = end_index + 1
            # ASCII abbreviations count only as whole tokens: GDCT2024 is no CT, 256排CT and 移动DR are.
            if _is_ascii_alnum(pattern[0]) and start > 0 and _is_ascii_alnum(folded[start - 1]):
                continue
            if _is_ascii_alnum(pattern[-1]) and end < len(folded) and _is_ascii_alnum(folded[end]):
                continue
            raw.append(Hit(start, end, pattern, entries))
        products = _longest_first([hit for hit in raw if _has_kind(hit, _PRODUCT_KINDS)])
        filters = _longest_first([hit for hit in raw if _has_kind(hit, _FILTER_KINDS)])
        hints = [hit for hit in raw if _has_kind(hit, frozenset({Kind.HINT}))]
        # A negative inside a longer product (药品 in 药品冷藏箱) is no negative, and the other way round.
        kept_products = [p for p in products if not any(_covers(f, p) for f in filters)]
        kept_filters = [f for f in filters if not any(_covers(p, f) for p in products)]
        return sorted(kept_products + kept_filters + hints, key=lambda hit: (hit.start, -hit.end))

    def classify(self, title: str, *, subject: str = "", buyer: str = "") -> CategoryDecision:
        """Categories from the title (strong), the procurement subject text (lots, 采购需求) and the buyer."""
        folded_title = fold(title)
        title_hits = [hit for hit in self.scan(folded_title) if not folded_title.startswith(_COMPANY_TAIL, hit.end)
                      and not _in_company_name(folded_title, hit)]
        entries = [entry for hit in title_hits for entry in hit.entries]
        negatives = [e for e in entries if e.kind is Kind.NEGATIVE]
        has_override = any(e.kind is Kind.OVERRIDE for e in entries)
        specific = [e for e in entries if e.kind is Kind.TERM]
        vetoes = [neg.canonical for neg in negatives if self._vetoes(neg.group, has_override, bool(specific))]
        if vetoes:
            return CategoryDecision(excluded_by=_unique(vetoes))
        classes = [e for e in entries if e.kind is Kind.CLASS]
        generics = [e for e in entries if e.kind is Kind.GENERIC]
        context = [e for e in entries if e.kind is Kind.CONTEXT]
        if specific:
            chosen = specific + (context if classes or generics else [])
            return CategoryDecision(_ordered(_cats(chosen)), _unique(e.canonical for e in chosen))
        subject_entries = [e for hit in self.scan(fold(subject)) for e in hit.entries] if subject else []
        body_terms = [e for e in subject_entries if e.kind is Kind.TERM]
        if not title_hits:
            # No title, or a title without any product word: the subject's class words count too.
            body_terms += [e for e in subject_entries if e.kind is Kind.CLASS]
        deciding: list[Entry] = list(classes)
        if context and (classes or generics):
            deciding += context
        if generics and not classes:
            hint_categories = self._purchaser_kind(buyer) or self._purchaser_kind(title)
            if hint_categories or body_terms:
                # 检验设备 is generic in both trees: the buyer (医院 vs 疾控) says which one is meant.
                matching = [g for g in generics if g.category in hint_categories]
                deciding += matching or generics
        if not deciding and not body_terms:
            return CategoryDecision()
        chosen = deciding + body_terms[:8]
        return CategoryDecision(_ordered(_cats(chosen)), _unique(e.canonical for e in chosen))

    def _purchaser_kind(self, name: str) -> set[Category]:
        """The category of the purchaser word that ends latest in ``name``.

        A Chinese organisation name ends with what it is: 北京大学第三医院 is a hospital, 江西中医药大学
        第二附属医院 too, whatever university it belongs to.
        """
        hints = [hit for hit in self.scan(fold(name)) if _has_kind(hit, frozenset({Kind.HINT}))]
        if not hints:
            return set()
        last = max(hint.end for hint in hints)
        return {e.category for hit in hints if hit.end == last for e in hit.entries
                if e.kind is Kind.HINT and e.category is not None}

    def _vetoes(self, group: str, has_override: bool, has_specific: bool) -> bool:
        """Whether a negative word of ``group`` vetoes the title, given what else the title holds."""
        policy = self._policy.get(group, "equipment")
        if policy == "always":
            return True
        if policy == "override":
            return not has_override
        if policy == "specific":
            return not has_specific
        return not (has_override or has_specific)


# "广西龙建工程管理有限公司医疗设备采购废标公告": 工程 is part of the agency's name, not the object.
_COMPANY_NAME_TAIL = re.compile(r"[\u4e00-\u9fff]{0,6}?(?:有限责任公司|有限公司|股份公司|集团)")


def _in_company_name(folded: str, hit: Hit) -> bool:
    """True when a negative word is inside a company name (its line runs on to 有限公司 within a few characters)."""
    if not all(entry.kind is Kind.NEGATIVE for entry in hit.entries):
        return False
    return _COMPANY_NAME_TAIL.match(folded, hit.end) is not None


def _has_kind(hit: Hit, kinds: frozenset[Kind]) -> bool:
    """True when one of the hit's meanings is of one of ``kinds``."""
    return any(entry.kind in kinds for entry in hit.entries)


def _covers(outer: Hit, inner: Hit) -> bool:
    """True when ``outer`` contains ``inner`` and is longer."""
    return outer.start <= inner.start and inner.end <= outer.end and outer.end - outer.start > inner.end - inner.start


def _longest_first(hits: list[Hit]) -> list[Hit]:
    """Greedy non-overlapping selection, longest (then leftmost) first."""
    chosen: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        if all(hit.end <= other.start or hit.start >= other.end for other in chosen):
            chosen.append(hit)
    return chosen


def _cats(entries: Iterable[Entry]) -> list[Category]:
    """The categories named by ``entries``."""
    return [entry.category for entry in entries if entry.category is not None]


# Bump when the compiled form changes; the cache key also holds the mtimes of this module and of
# text.py (folding rules), so editing either invalidates old cache files.
_CACHE_FORMAT = 1


def _cache_key(path: str, mtime_ns: int) -> str:
    """What the cached compiled form must have been built from: format, file, its mtime, the folding code."""
    code = f"{Path(__file__).stat().st_mtime_ns}:{Path(_text_module.__file__).stat().st_mtime_ns}"
    return f"{_CACHE_FORMAT}|{path}|{mtime_ns}|{code}"


def _cache_file(key: str) -> Path:
    """Where the compiled form for ``key`` is cached (``TENDERBOT_CACHE_DIR``, else ~/.cache/tenderbot)."""
    root = os.environ.get("TENDERBOT_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "tenderbot")
    # crc32, not hashlib (3 ms to import): the file also stores its full key, checked on load.
    return Path(root) / f"taxonomy-{binascii.crc32(key.encode()):08x}.json"


def _from_cache(cache: Path, key: str) -> Taxonomy | None:
    """The taxonomy restored from its cache file, or None when absent, unreadable or built from something else."""
    try:
        blob = json.loads(cache.read_text(encoding="utf-8"))
        if not isinstance(blob, dict) or blob.get("key") != key:
            return None
        return Taxonomy({}, compiled=blob)
    except (OSError, ValueError, ConfigError):
        return None


def _to_cache(cache: Path, key: str, taxonomy: Taxonomy) -> None:
    """Write the compiled taxonomy atomically; a read-only home only costs the next start its speed."""
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(f".{os.getpid()}.tmp")
        blob = {"key": key, **taxonomy.compiled()}
        partial.write_text(json.dumps(blob, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, cache)
    except OSError as exc:
        log.debug("taxonomy cache not written (%s)", exc)


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int) -> Taxonomy:
    """Parse and compile the taxonomy at ``path`` (cached per path and modification time, in memory and on disk).

    Compiling folds some 3,000 terms (NFKC, Traditional→Simplified) and parses 50 KB of YAML: about
    half of a one-page ``tenderbot parse``. The compiled form is kept as JSON beside the user's caches.
    """
    key = _cache_key(path, mtime_ns)
    cache = _cache_file(key)
    cached = _from_cache(cache, key)
    if cached is not None:
        return cached
    taxonomy = _compile_file(path)
    _to_cache(cache, key, taxonomy)
    return taxonomy


def _compile_file(path: str) -> Taxonomy:
    """Parse the YAML at ``path`` and compile it."""
    import yaml  # only on a cache miss: importing PyYAML costs a one-page parse 10 ms

    try:
        with open(path, encoding="utf-8") as handle:
            # CSafeLoader is the C build of SafeLoader (4x faster on this 40 KB file).
            data = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read taxonomy {path}: {exc}") from exc
    if not isinstance(data, Mapping) or "categories" not in data:
        raise ConfigError(f"taxonomy {path} has no 'categories' mapping")
    return Taxonomy(data)


def load_taxonomy(path: Path = DEFAULT_TAXONOMY_PATH) -> Taxonomy:
    """Load (and cache) the taxonomy YAML at ``path``; ``ConfigError`` if it is missing or malformed."""
    resolved = Path(path).resolve()
    try:
        mtime = resolved.stat().st_mtime_ns
    except OSError as exc:
        raise ConfigError(f"taxonomy file not found: {resolved}") from exc
    return _load_cached(str(resolved), mtime)
