"""HTML → text and page facts: body detection, tables as ``|`` lines, ccgp summary, 政采云 codes, inputs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tenderbot.errors import ParseError
from tenderbot.extract.detect import Kind, decode_bytes, detect
from tenderbot.extract.html import extract_page, html_to_text

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"


def read_corpus(name: str) -> str:
    """A real page of the annotated corpus (tests/fixtures/corpus), named for its scenario."""
    return (CORPUS / name).read_text(encoding="utf-8")


def test_ccgp_page_body_and_summary_table() -> None:
    page = extract_page(read_corpus("ccgp-award-guizhou-summary-table.html"))
    assert page.title is not None and page.title.endswith("中标(成交)结果公告")
    assert page.published == "2025-06-27 17:52"
    assert page.summary["行政区域"] == "贵州省"
    assert page.summary["采购单位"] == "清镇市麦格苗族布依族乡人民政府"
    assert page.summary["总中标金额"].startswith("¥56.980000 万元")
    # Navigation and footer are outside div.vF_detail_content (whose class carries a random suffix).
    assert "政采法规" not in page.text and "版权所有" not in page.text
    assert page.text.startswith("一、项目编号:LKZX2025-CG013")
    # The hidden <blockquote style="display: none"> holding "0" is dropped.
    assert "\n0\n" not in page.text


def test_table_rows_become_pipe_lines() -> None:
    page = extract_page(read_corpus("ccgp-award-guizhou-summary-table.html"))
    assert "序号 | 供应商名称 | 供应商地址 | 中标(成交)金额 | 评审报价" in page.text
    assert "1 | 江苏新煦光电科技有限公司 | 高邮市菱塘工业集中区 | 总价形式报价:569800.00(元) | -" in page.text


def test_inline_label_and_value_stay_on_one_line() -> None:
    text = html_to_text("<p><strong>项目编号：</strong><span>ABC-2024-01</span></p><p>名 称：<b>某医院</b></p>")
    assert text.split("\n") == ["项目编号:ABC-2024-01", "名称:某医院"]


def test_zcy_codes_and_attachments() -> None:
    page = extract_page(read_corpus("zcy-prequal-guangxi-ppp-content.html"))
    assert page.codes["code-budgetPrice"] == ("1608715900",)
    assert page.codes["code-submitEndDate"][0] == "2021-12-29 11:00:00"
    assert page.codes["code-projectCode"] == ("GXZC2021-G2-005022-GXZB",)
    assert len(page.attachments) == 1 and page.attachments[0].startswith("https://zcy-gov-open-doc")
    award = extract_page(read_corpus("ccgp-award-guizhou-summary-table.html"))
    assert award.codes["code-winningSupplierName"] == ("江苏新煦光电科技有限公司",)
    assert [a.rsplit(".", 1)[-1] for a in award.attachments] == ["pdf", "zip"]


def test_rowspan_table_keeps_rows() -> None:
    text = extract_page(read_corpus("medtext-tender-beijing-lot-budgets-sum.html")).text
    assert "第1包 | 心电监护仪 | 15 | 239.1 | 933.7 |" in text
    assert "\n高频手术系统 | 1\n" in text


def test_decode_bytes_meta_charset_and_fallbacks() -> None:
    gbk = "<html><head><meta charset=gb2312></head><body>预算金额：120万元</body></html>".encode("gb18030")
    assert "预算金额" in decode_bytes(gbk)
    undeclared = "<p>采购人：某医院</p>".encode("gb18030")
    assert "采购人" in decode_bytes(undeclared)
    assert decode_bytes("\ufeff<p>项目</p>".encode()) == "<p>项目</p>"
    # Declared gb2312 but saved as UTF-8 (mirrors do this): the bytes win.
    mislabelled = "<meta charset=gb2312><p>预算金额：120万元</p>".encode()
    assert "预算金额" in decode_bytes(mislabelled)
    big5 = "<meta charset=big5><p>預算金額</p>".encode("big5")
    assert "預算金額" in decode_bytes(big5)


def test_detect_kinds_and_bad_input() -> None:
    assert detect("<div>x</div>").kind is Kind.HTML
    assert detect('{"result": {"data": {"title": "t"}}}').kind is Kind.JSON
    assert detect("项目编号:1").kind is Kind.TEXT
    with pytest.raises(ParseError, match="empty"):
        detect(b"   \n")
    with pytest.raises(ParseError, match="binary"):
        detect(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)


def test_huge_page_is_fast() -> None:
    row = "<tr><td>序号</td><td>设备名称</td><td>预算金额</td></tr>"
    html = "<html><body><table>" + row * 120_000 + "</table></body></html>"
    assert len(html) > 5_000_000
    started = time.perf_counter()
    page = extract_page(html[:1_000_000])
    assert time.perf_counter() - started < 2.0
    assert page.text.startswith("序号 | 设备名称 | 预算金额")


def test_five_megabyte_page_through_the_whole_engine() -> None:
    from tenderbot.extract import extract_notice

    extract_notice("预热")  # the taxonomy loads once per process; not part of the page's cost
    row = ("<tr><td>项目编号</td><td>预算金额(万元)</td><td>投标截止时间</td></tr>"
           "<tr><td>A-1</td><td>12</td><td>x</td></tr>")
    content = ("<html><body><table>" + row * 60_000 + "</table></body></html>").encode()
    assert len(content) > 5_000_000
    started = time.perf_counter()
    notice = extract_notice(content)
    assert time.perf_counter() - started < 3.0  # well under a second on an idle core
    assert notice.project_code == "A-1"


def test_deep_nesting_does_not_crash() -> None:
    html = "<div>" * 5000 + "预算金额:1万元" + "</div>" * 5000
    assert "预算金额" in html_to_text(html)


def test_title_tag_loses_the_site_name() -> None:
    page = extract_page("<html><head><title>某医院CT采购公开招标公告_中国政府采购网</title></head><body></body></html>")
    assert page.title == "某医院CT采购公开招标公告"
    heading = extract_page("<html><body><h1>2023年某路“三项工程”-通组路工程招标公告</h1></body></html>")
    assert heading.title == "2023年某路“三项工程”-通组路工程招标公告"
