"""Split Telegram HTML under a length limit at item boundaries, never inside a tag or an entity."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tenderbot.notify.render import MAX_MESSAGE, utf16_len

_TOKEN = re.compile(r"<[^>]*>|&#?\w+;|.", re.S)
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][\w-]*)")


@dataclass(frozen=True, slots=True)
class _Token:
    raw: str
    units: int
    opens: str | None = None
    closes: str | None = None


def _tokens(text: str) -> list[_Token]:
    """Tags and entities as single tokens, every other character on its own."""
    out: list[_Token] = []
    for match in _TOKEN.finditer(text):
        raw = match.group(0)
        if raw.startswith("<") and len(raw) > 1:
            name_match = _TAG_NAME.match(raw)
            name = name_match.group(1).lower() if name_match else ""
            if raw.startswith("</"):
                out.append(_Token(raw, utf16_len(raw), closes=name))
            else:
                out.append(_Token(raw, utf16_len(raw), opens=name))
        else:
            out.append(_Token(raw, utf16_len(raw)))
    return out


def _apply(stack: tuple[_Token, ...], token: _Token) -> tuple[_Token, ...]:
    """The open-tag stack after a token."""
    if token.opens:
        return (*stack, token)
    if token.closes:
        for index in range(len(stack) - 1, -1, -1):
            if stack[index].opens == token.closes:
                return stack[:index] + stack[index + 1 :]
    return stack


def _closing(stack: tuple[_Token, ...]) -> str:
    return "".join(f"</{tag.opens}>" for tag in reversed(stack))


def split_html(text: str, max_len: int = MAX_MESSAGE) -> list[str]:
    """Parts of at most ``max_len`` UTF-16 units: cut after a blank line, else a line, else a space.

    A part cut inside ``<b>…</b>`` closes the tag and the next part reopens it (with its attributes),
    so each part is valid HTML on its own.
    """
    if utf16_len(text) <= max_len:
        return [text]
    tokens = _tokens(text)
    parts: list[str] = []
    start = 0
    stack: tuple[_Token, ...] = ()
    while start < len(tokens):
        prefix = "".join(tag.raw for tag in stack)
        length = utf16_len(prefix)
        current = stack
        best: tuple[int, int, tuple[_Token, ...]] | None = None  # (priority, index, stack)
        index = start
        while index < len(tokens):
            token = tokens[index]
            after = _apply(current, token)
            if length + token.units + utf16_len(_closing(after)) > max_len:
                break
            length += token.units
            current = after
            index += 1
            if token.raw == "\n":
                blank = index - 2 >= start and tokens[index - 2].raw == "\n"
                priority = 2 if blank else 1
            elif token.raw == " ":
                priority = 0
            else:
                continue
            if best is None or priority >= best[0]:
                best = (priority, index, current)
        if index >= len(tokens):
            cut, cut_stack = len(tokens), current
        elif best is not None:
            cut, cut_stack = best[1], best[2]
        elif index > start:
            cut, cut_stack = index, current  # one unbroken run longer than a message: cut between tokens
        else:
            raise ValueError(f"max_len {max_len} is too small for the markup of this message")
        body = "".join(t.raw for t in tokens[start:cut])
        part = (prefix + body).strip("\n") + _closing(cut_stack)
        if _visible(part):
            parts.append(part)
        start, stack = cut, cut_stack
        while start < len(tokens) and tokens[start].raw == "\n":
            start += 1
    return parts


def _visible(part: str) -> bool:
    """True when a part has text (Telegram rejects a message of tags and blanks only)."""
    return bool(re.sub(r"<[^>]*>", "", part).strip())
