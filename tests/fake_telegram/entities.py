"""Telegram's HTML formatting rules, as strict as the Bot API: entities, tags, lengths."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

JSON = dict[str, Any]
Reply = tuple[int, dict[str, str], bytes]

MAX_TEXT_UNITS = 4096
MAX_CAPTION_UNITS = 1024
MAX_CALLBACK_BYTES = 64
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


class ApiError(Exception):
    """A Bot API failure: HTTP status, description and optional ``parameters``."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSON:
        """The JSON body Telegram sends for this error."""
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(message: str, parameters: JSON | None = None) -> ApiError:
    """A 400 with Telegram's ``Bad Request: `` prefix."""
    return ApiError(400, f"Bad Request: {message}", parameters)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts text and entity offsets in."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


# --------------------------------------------------------------------------------------------------
# HTML parse mode (https://core.telegram.org/bots/api#html-style), error texts as tdlib words them.

_TAG_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[A-Za-z][A-Za-z0-9]*);")
_TAG_NAME_RE = re.compile(r"[^\s/>]*")
_ATTR_RE = re.compile(r"""\s*([-A-Za-z0-9_:.]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?\s*""")


@dataclass
class _OpenTag:
    name: str
    attrs: dict[str, str]
    start: int  # UTF-16 offset in the output text
    byte_offset: int
    language: str | None = None


def _entity_error(message: str) -> ApiError:
    return bad_request(f"can't parse entities: {message}")


def _decode_entity(source: str, pos: int) -> tuple[str, int]:
    """Decode the entity at ``source[pos] == "&"``; return the character and the index after it."""
    match = _ENTITY_RE.match(source, pos)
    offset = len(source[:pos].encode())
    if match is None:
        # Telegram itself keeps a bare "&" as text; we reject it because it means a title was not escaped.
        raise _entity_error(f'Unescaped "&" at byte offset {offset}; write "&amp;"')
    name = match.group(1)
    if name.startswith("#"):
        code = int(name[2:], 16) if name[1:2] in "xX" and len(name) > 1 and name[1] in "xX" else int(name[1:])
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise _entity_error(f'Unsupported HTML entity "&{name};" at byte offset {offset}')
        return chr(code), match.end()
    if name not in _NAMED_ENTITIES:
        raise _entity_error(f'Unsupported HTML entity "&{name};" at byte offset {offset}')
    return _NAMED_ENTITIES[name], match.end()


def _decode_attr(value: str) -> str:
    out: list[str] = []
    pos = 0
    while pos < len(value):
        if value[pos] == "&":
            char, pos = _decode_entity(value, pos)
            out.append(char)
        else:
            out.append(value[pos])
            pos += 1
    return "".join(out)


def _tag_end(source: str, start: int) -> int:
    """Index of the ``>`` closing the tag opened at ``start`` (quotes respected), or -1."""
    quote = ""
    for pos in range(start + 1, len(source)):
        char = source[pos]
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == ">":
            return pos
    return -1


def _close_entity(tag: _OpenTag, end: int, parent: _OpenTag | None) -> JSON | None:
    length = end - tag.start
    kind = _TAG_ENTITY[tag.name]
    if tag.name == "code" and parent is not None and parent.name == "pre":
        # <pre><code class="language-python">…</code></pre> is one pre entity with a language.
        css = tag.attrs.get("class", "")
        if css.startswith("language-"):
            parent.language = css.removeprefix("language-")
        return None
    if length <= 0:
        return None
    entity: JSON = {"type": kind, "offset": tag.start, "length": length}
    if tag.name == "a":
        href = tag.attrs.get("href", "")
        if not href:
            return None
        entity["url"] = href
    elif tag.name == "pre" and tag.language:
        entity["language"] = tag.language
    elif tag.name == "blockquote" and "expandable" in tag.attrs:
        entity["type"] = "expandable_blockquote"
    elif tag.name == "tg-emoji":
        entity["custom_emoji_id"] = tag.attrs.get("emoji-id", "")
    return entity


def _open_tag(source: str, pos: int, end: int) -> _OpenTag:
    inner = source[pos + 1 : end]
    offset = len(source[:pos].encode())
    name_match = _TAG_NAME_RE.match(inner)
    name = name_match.group(0).lower() if name_match else ""
    if name not in _TAG_ENTITY:
        raise _entity_error(f'Unsupported start tag "{name}" at byte offset {offset}')
    attrs: dict[str, str] = {}
    rest = inner[len(name) :].rstrip("/ \t\n")
    for attr in _ATTR_RE.finditer(rest):
        if attr.group(0).strip():
            raw = next((g for g in attr.groups()[1:] if g is not None), "")
            attrs[attr.group(1).lower()] = _decode_attr(raw)
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise _entity_error(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
    return _OpenTag(name, attrs, 0, offset)


def parse_html(source: str) -> tuple[str, list[JSON]]:
    """Parse Telegram HTML into plain text and message entities, or raise the 400 Telegram sends."""
    out: list[str] = []
    units = 0
    stack: list[_OpenTag] = []
    entities: list[JSON] = []
    pos = 0
    while pos < len(source):
        char = source[pos]
        if char == "<":
            end = _tag_end(source, pos)
            offset = len(source[:pos].encode())
            if end < 0:
                raise _entity_error(f"Unclosed start tag at byte offset {offset}")
            if source[pos + 1 : pos + 2] == "/":
                name = source[pos + 2 : end].strip().lower()
                if not stack:
                    raise _entity_error(f"Unexpected end tag at byte offset {offset}")
                if stack[-1].name != name:
                    raise _entity_error(
                        f'Unmatched end tag at byte offset {offset}, expected "</{stack[-1].name}>", found "</{name}>"'
                    )
                tag = stack.pop()
                entity = _close_entity(tag, units, stack[-1] if stack else None)
                if entity is not None:
                    entities.append(entity)
            else:
                tag = _open_tag(source, pos, end)
                tag.start = units
                stack.append(tag)
            pos = end + 1
            continue
        if char == "&":
            char, pos = _decode_entity(source, pos)
        elif char == ">":
            offset = len(source[:pos].encode())
            raise _entity_error(f'Unescaped ">" at byte offset {offset}; write "&gt;"')
        else:
            pos += 1
        out.append(char)
        units += 2 if ord(char) > 0xFFFF else 1
    if stack:
        raise _entity_error(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


# --------------------------------------------------------------------------------------------------
# Flood control (Telegram Bot FAQ "My bot is hitting limits"): ~1 msg/s per chat with short bursts,
# 20 msg/min per group, ~30 msg/s overall. Telegram does not publish the burst size; 5 is our choice.
