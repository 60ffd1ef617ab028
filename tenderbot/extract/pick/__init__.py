"""Field extractors: each chooses one field family's values from the page and records why.

``Context`` is everything read from one input before the fields are chosen; the modules here
(``title``, ``kind``, ``money``, ``dates``, ``parties``, ``place``) each turn it into values and
note their provenance in ``Context.trace``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tenderbot.extract.fields import Fields
from tenderbot.extract.html import PageParts
from tenderbot.extract.provenance import Trace
from tenderbot.extract.tables import Table


@dataclass(slots=True)
class Context:
    """One input's text, page facts, JSON record, hints, label fields and the trace being filled."""

    page: PageParts
    record: Mapping[str, Any]
    hints: Mapping[str, str]
    url: str
    trace: Trace = field(default_factory=Trace)
    scanned: str = ""
    fields: Fields = field(default_factory=Fields)
    tables: list[Table] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The normalised body text."""
        return self.page.text

    @property
    def codes(self) -> Mapping[str, tuple[str, ...]]:
        """政采云 ``code-*`` cells of the page."""
        return self.page.codes

    @property
    def summary(self) -> Mapping[str, str]:
        """The ccgp 公告概要 table (label → value)."""
        return self.page.summary
