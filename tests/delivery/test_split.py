"""Splitting Telegram HTML: under the limit, at item boundaries, every part valid HTML, no text lost."""

from __future__ import annotations

import html

from hypothesis import given, settings
from hypothesis import strategies as st

from tenderbot.delivery.split import split_html
from tenderbot.notify.render import utf16_len
from tests.fake_telegram import parse_html

WORDS = st.text(alphabet=st.sampled_from(list("仪器采购abc &<>\"'😀 ")), min_size=1, max_size=80)


@st.composite
def items(draw: st.DrawFn) -> str:
    """A rendered item: escaped text in bold, links, code, over one or two lines."""
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        word = html.escape(draw(WORDS), quote=False)
        wrap = draw(
            st.sampled_from(
                ["{}", "<b>{}</b>", "<i>{}</i>", "<code>{}</code>", '<a href="https://x.cn/?a=1&amp;b=2">{}</a>']
            )
        )
        parts.append(wrap.format(word))
    return draw(st.sampled_from([" ", "\n"])).join(parts)


@settings(max_examples=150, deadline=None)
@given(st.lists(items(), min_size=1, max_size=40), st.integers(min_value=120, max_value=600))
def test_parts_fit_parse_and_keep_every_item(chunks: list[str], limit: int) -> None:
    text = "\n\n".join(chunks)
    parts = split_html(text, limit)
    assert all(utf16_len(p) <= limit for p in parts)
    plain_parts = [parse_html(p)[0] for p in parts]  # raises like Telegram on broken markup
    joined = "".join(plain_parts)
    assert joined.replace("\n", "").replace(" ", "") == parse_html(text)[0].replace("\n", "").replace(" ", "")


def test_cuts_between_items_when_it_can() -> None:
    chunks = [f"<b>第{n}条</b> " + "仪" * 50 for n in range(10)]
    parts = split_html("\n\n".join(chunks), 200)
    assert all(p.startswith("<b>第") for p in parts)
    assert "\n\n".join(parts) == "\n\n".join(chunks)


def test_a_tag_cut_in_half_is_closed_and_reopened() -> None:
    text = '<a href="https://x.cn/1">' + "字 " * 200 + "</a>"
    parts = split_html(text, 150)
    assert len(parts) > 2
    assert all(p.startswith('<a href="https://x.cn/1">') and p.endswith("</a>") for p in parts)
    assert all(parse_html(p)[1][0]["url"] == "https://x.cn/1" for p in parts)
