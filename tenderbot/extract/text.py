"""Normalise announcement text: NFKC, pinyin-annotation artefacts, Traditional→Simplified, spaces.

Matching and label extraction both run on this form, so a subscription written in Traditional
script or full-width letters matches Simplified half-width text and back.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

# A parenthesised pinyin syllable with a tone mark (or ü) glued to a CJK character, as left by the
# converters of some re-posting sites: 預(yù)算金額, 時(shí)間 (see research/domain.md §2.3).
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_PINYIN_ARTEFACT = re.compile(rf"(?<=[\u3400-\u9fff])[(（]\s*[a-z{_TONED}]*[{_TONED}][a-z{_TONED}]*\s*[)）]")
_TONE_MARK = re.compile(f"[{_TONED}]")
# Spaces between two CJK characters carry no meaning (名 称, 地　址) and break label matching.
_SPACE_BETWEEN_CJK = re.compile(r"(?<=[\u3400-\u9fff:：])[ \t]+(?=[\u3400-\u9fff:：])")
# Variant characters that hand-typed pages use for common label characters: 釆 (U+91C6) for 采
# ("2.釆购代理机构信息", seen in the Inner Mongolia corpus pages).
_VARIANTS = (("釆", "采"),)
# Lone surrogates come from broken \\ud800-style escapes in portal JSON; no chat platform accepts them.
_SURROGATES = re.compile("[\ud800-\udfff]")
_HSPACE = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000\ufeff]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


@lru_cache(maxsize=1)
def _t2s() -> Any:
    """The OpenCC Traditional→Simplified converter, built once."""
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Convert Traditional Chinese characters to Simplified ones."""
    return str(_t2s().convert(text))


def strip_pinyin_artefacts(text: str) -> str:
    """Remove ``(yù)``-style pinyin annotations glued to CJK characters."""
    # Most texts carry no tone-marked letter at all: a plain scan is far cheaper than the look-behind.
    if _TONE_MARK.search(text) is None:
        return text
    return _PINYIN_ARTEFACT.sub("", text)


def normalize(text: str) -> str:
    """Return the canonical form of announcement text, keeping line breaks."""
    if not text:
        return ""
    text = _SURROGATES.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = unicodedata.normalize("NFKC", text)  # full-width （yù） becomes (yù) first
    text = strip_pinyin_artefacts(text)
    text = to_simplified(text)
    for variant, standard in _VARIANTS:  # str.replace: a translate table costs 40% of normalize
        text = text.replace(variant, standard)
    text = _HSPACE.sub(" ", text)
    text = _SPACE_BETWEEN_CJK.sub("", text)
    lines = (line.strip() for line in text.split("\n"))
    text = "\n".join(lines)
    return _BLANK_LINES.sub("\n", text).strip()


def fold(text: str) -> str:
    """Normalise and case-fold text for matching."""
    return normalize(text).casefold()
