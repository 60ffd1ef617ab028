"""Pure helpers: charset detection, block-page recognition, listing dates, amounts, provinces."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenderbot.errors import ConfigError
from tenderbot.extract.bounds import MAX_HTML_DEPTH
from tenderbot.sources.common import BEIJING, config_problems, parse_listing_time, province_short, rehost, yuan_text
from tenderbot.sources.pages import block_reason, bounded_tree, decode_content
from tests.sources.conftest import fixture_bytes

# Text as portals write it: CJK, ASCII, full-width punctuation.
portal_text = st.text(
    alphabet=st.one_of(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),
                       st.characters(min_codepoint=0x20, max_codepoint=0x7E), st.sampled_from("，。：（）￥")),
    max_size=200,
)


@given(portal_text)
def test_declared_gbk_round_trips(text: str) -> None:
    html = f"<html><body>{text}</body></html>"
    assert decode_content(html.encode("gb18030"), {"Content-Type": "text/html; charset=GBK"})[0] == html


@given(portal_text)
def test_undeclared_utf8_round_trips(text: str) -> None:
    assert decode_content(text.encode("utf-8"), {})[0] == text


@given(portal_text)
def test_meta_declared_gb2312_round_trips(text: str) -> None:
    html = f'<html><head><meta charset="gb2312"></head><body>{text}</body></html>'
    assert decode_content(html.encode("gb18030"), {"content-type": "text/html"}) == (html, "gb18030")


def test_bom_wins_over_a_wrong_declaration() -> None:
    data = codecs.BOM_UTF8 + "<meta charset=gbk>医疗".encode()
    assert decode_content(data, {"Content-Type": "text/html; charset=gbk"})[0].endswith("医疗")


def test_wrong_header_falls_back_to_content() -> None:
    # Declared utf-8 but served GBK bytes (seen in crawler notes on ccgp search, research/sources.md §1.2).
    assert decode_content("采购公告".encode("gbk"), {"Content-Type": "text/html; charset=utf-8"})[0] == "采购公告"


def test_real_pages_are_not_block_pages() -> None:
    assert block_reason(fixture_bytes("ccgp-detail-guizhou-zbgg-2025-06-27.html").decode()) is None
    assert block_reason(fixture_bytes("zcy-guangxi-detail-content-2021.html").decode()) is None
    assert block_reason(fixture_bytes("zcy-zhejiang-category-list-excerpt.json").decode()) is None


def test_a_notice_that_mentions_captcha_words_is_not_blocked() -> None:
    body = "<html><head><title>安全监测设备采购公告</title></head><body>" + "本项目采购安全验证设备一批。" * 300
    assert block_reason(body + "</body></html>") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026.09.23 12:30:10", datetime(2026, 9, 23, 12, 30, 10, tzinfo=BEIJING)),
        ("2025-06-27 17:52", datetime(2025, 6, 27, 17, 52, tzinfo=BEIJING)),
        ("2025年06月27日  17:52", datetime(2025, 6, 27, 17, 52, tzinfo=BEIJING)),
        ("发布时间：2026-09-11 18:39", datetime(2026, 9, 11, 18, 39, tzinfo=BEIJING)),
        ("2026-11-20", datetime(2026, 11, 20, tzinfo=BEIJING)),
        (1748250241000, datetime(2025, 5, 26, 17, 4, 1, tzinfo=BEIJING)),
        ("2026-02-30", None),
        ("", None),
        ("无", None),
    ],
)
def test_listing_times(value: str | int, expected: datetime | None) -> None:
    assert parse_listing_time(value) == expected


def test_amounts_and_provinces() -> None:
    assert Decimal(yuan_text("￥56.980000 万元（人民币）") or "0") == Decimal("569800")
    assert Decimal(yuan_text("1,200,000.00") or "0") == Decimal("1200000")
    assert Decimal(yuan_text("3.5亿元") or "0") == Decimal("350000000")
    assert yuan_text("详见公告") is None
    assert province_short("广西壮族自治区百色市那坡县") == "广西"
    assert province_short("内蒙古自治区") == "内蒙古"
    assert province_short("中国浙江") == "浙江"
    assert province_short("省本级") is None


def test_rehost_keeps_path_and_query() -> None:
    assert rehost("http://www.ccgp.gov.cn/cggg/a.htm?x=1", "http://127.0.0.1:8080") == "http://127.0.0.1:8080/cggg/a.htm?x=1"
    assert rehost("http://a/b", "https://mirror/ccgp/") == "https://mirror/ccgp/b"
    assert rehost("http://a/b", None) == "http://a/b"


def test_bounded_tree_caps_nesting_and_keeps_text() -> None:
    """Adapters parse detail pages on the event loop: a pathologically deep page is flattened, text kept."""
    depth = MAX_HTML_DEPTH * 4
    html = "<html><body>" + "<div>" * depth + "正文" + "</div>" * depth + "</body></html>"
    tree = bounded_tree(html)
    assert "正文" in tree.text()
    assert len(tree.css("div")) <= MAX_HTML_DEPTH
    assert bounded_tree("<html><body><div id='x'>短</div></body></html>").css_first("div#x") is not None


def test_config_problems_collects_every_failing_check_in_order() -> None:
    def bad(message: str) -> Callable[[], None]:
        def check() -> None:
            raise ConfigError(message)
        return check

    assert config_problems(lambda: None, bad("one"), lambda: 1, bad("two")) == ["one", "two"]
    assert config_problems() == []
    with pytest.raises(ValueError):  # not a config problem: a bug, so it is not swallowed
        config_problems(lambda: int("x"))
