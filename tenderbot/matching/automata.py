"""The live keyword set of a matcher, compiled into Aho-Corasick automata and scanned in one pass.

A big main automaton holds the keywords known at the last full build; keywords added since live in
a small secondary automaton that is cheap to rebuild, and is merged into the main one once it grows.
A keyword nobody uses any more stays in the main automaton as a harmless tombstone (it has no
subscribers) until a quarter of the automaton is dead, then the main automaton is rebuilt.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ahocorasick

from tenderbot.matching.query import is_short_latin

# Merge the secondary automaton into the main one beyond this many keywords (or 5 % of all).
MIN_MERGE = 512
# Rebuild the main automaton once this many of its keywords (or a quarter) are dead.
MIN_PURGE = 1024


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


def _build(words: Iterable[str]) -> Any:
    """An Aho-Corasick automaton over ``words`` (value: word, whole-token flag), or None if empty."""
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, (word, is_short_latin(word)))
    if len(automaton) == 0:
        return None
    automaton.make_automaton()
    return automaton


class KeywordScanner:
    """Reference-counted keywords; ``scan`` finds which of them occur in a folded text."""

    def __init__(self) -> None:
        self._refcounts: dict[str, int] = {}
        self._main: Any = None
        self._main_words: frozenset[str] = frozenset()
        self._dead_in_main = 0
        self._recent: Any = None
        self._recent_words: set[str] = set()
        self._recent_stale = False
        self.full_builds = 0

    def __len__(self) -> int:
        """How many distinct keywords are in use."""
        return len(self._refcounts)

    def acquire(self, word: str) -> None:
        """Count one more use of ``word``; a new word is scheduled for the secondary automaton."""
        count = self._refcounts.get(word, 0)
        self._refcounts[word] = count + 1
        if count:
            return
        if word in self._main_words:
            self._dead_in_main -= 1
        else:
            self._recent_words.add(word)
            self._recent_stale = True

    def release(self, word: str) -> None:
        """Count one use fewer; an unused word leaves the secondary automaton or becomes a tombstone."""
        count = self._refcounts[word] - 1
        if count:
            self._refcounts[word] = count
            return
        del self._refcounts[word]
        if word in self._main_words:
            self._dead_in_main += 1
        else:
            self._recent_words.discard(word)
            self._recent_stale = True

    def compile(self) -> None:
        """Bring the automata up to date: rebuild the small one, or merge everything when due."""
        if len(self._recent_words) > max(MIN_MERGE, len(self._refcounts) // 20) or self._dead_in_main > max(
            MIN_PURGE, len(self._main_words) // 4
        ):
            self.rebuild()
        elif self._recent_stale:
            self._recent = _build(self._recent_words)
            self._recent_stale = False

    def rebuild(self) -> None:
        """Build the main automaton from every live keyword and empty the secondary one."""
        self._main_words = frozenset(self._refcounts)
        self._main = _build(self._main_words)
        self._dead_in_main = 0
        self._recent_words.clear()
        self._recent = None
        self._recent_stale = False
        self.full_builds += 1

    def scan(self, text: str) -> set[str]:
        """Every live keyword occurring in ``text`` (short Latin ones only as whole tokens)."""
        self.compile()
        hits: set[str] = set()
        live = self._refcounts
        for automaton in (self._main, self._recent):
            if automaton is None:
                continue
            for end, (word, whole_token) in automaton.iter(text):
                if word in hits or word not in live:
                    continue
                if whole_token and not is_whole_token(text, end + 1 - len(word), end + 1):
                    continue
                hits.add(word)
        return hits
