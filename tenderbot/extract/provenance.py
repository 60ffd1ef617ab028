"""Why a field got its value: the rule that decided, the label it read and where in the text.

Every field extractor (``tenderbot.extract.pick``) records one ``Why`` per field it fills, so a
wrong value can be traced to its rule and ``tenderbot parse --explain`` can show it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
CONTEXT_CHARS = 30


@dataclass(frozen=True, slots=True)
class Why:
    """The provenance of one field value: rule name, label read (if any), offset in the text (if known)."""

    rule: str
    label: str | None = None
    position: int | None = None


@dataclass(frozen=True, slots=True)
class Found:
    """A candidate value with where it came from (``None`` value: the rule found nothing)."""

    value: object
    why: Why


class Trace:
    """The provenance of each field of one notice, filled while the fields are chosen."""

    def __init__(self) -> None:
        self.reasons: dict[str, Why] = {}
        self._details: dict[str, Why] = {}

    def note(self, field: str, rule: str, *, label: str | None = None, position: int | None = None) -> None:
        """Record (or replace) why ``field`` has its value."""
        self.reasons[field] = Why(rule, label, position)

    def detail(self, field: str, rule: str, *, label: str | None = None, position: int | None = None) -> None:
        """What a text rule found for ``field`` (used when the chooser takes the text's value)."""
        self._details[field] = Why(rule, label, position)

    def first(self, field: str, candidates: Iterable[tuple[str, Callable[[], T | None]]]) -> T | None:
        """The first non-empty candidate value, in order; records the deciding rule's name.

        A candidate named ``text`` is the label-driven text extraction: its own detail (label and
        position) is kept under the combined rule name.
        """
        for rule, produce in candidates:
            value = produce()
            if value:
                inner = self._details.get(field) if rule == "text" else None
                if inner is not None:
                    self.note(field, f"text:{inner.rule}", label=inner.label, position=inner.position)
                else:
                    self.note(field, rule)
                return value
        self.reasons.pop(field, None)
        return None

    def as_dict(self, text: str) -> dict[str, dict[str, object]]:
        """JSON-ready provenance: rule, label, position and the text around the position."""
        out: dict[str, dict[str, object]] = {}
        for field, why in sorted(self.reasons.items()):
            entry: dict[str, object] = {"rule": why.rule, "label": why.label, "position": why.position}
            if why.position is not None and 0 <= why.position < len(text):
                start = max(0, why.position - 10)
                entry["context"] = text[start : why.position + CONTEXT_CHARS].replace("\n", "⏎")
            out[field] = entry
        return out


def locate(text: str, value: str | None, *, limit: int = 60_000) -> int | None:
    """Where ``value`` first appears in ``text`` (for rules that return only the value), else None."""
    if not value:
        return None
    position = text.find(value, 0, limit)
    return position if position >= 0 else None
