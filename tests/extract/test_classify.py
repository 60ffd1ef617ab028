"""Notice type (title suffix, body headings, URL folder, hint) and procurement method."""

from __future__ import annotations

import pytest

from tenderbot.extract import extract_notice
from tenderbot.extract.classify import (
    follow_up_phrase,
    notice_type,
    procurement_method,
    type_from_title,
    type_from_url,
)
from tenderbot.models import NoticeType as T
from tenderbot.models import ProcurementMethod as M


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("某医院彩超采购项目公开招标公告", T.TENDER),
        ("某设备采购项目招标公告(更正)", T.AMENDMENT),  # last keyword wins
        ("某招标项目中标公告", T.AWARD),
        ("某项目中标(成交)结果公告", T.AWARD),
        ("某项目竞争性磋商公告(二次)", T.TENDER),
        ("某项目成交公告更正公告", T.AMENDMENT),
        ("某项目终止公告", T.TERMINATION),
        ("某项目废标公告", T.TERMINATION),
        ("某医院2021年09月至2021年10月政府采购意向", T.INTENTION),
        ("某学院PPP项目资格预审公告", T.PREQUALIFICATION),
        ("某项目政府采购合同公告", T.CONTRACT),
        ("某项目履约验收公告", T.OTHER),
        # A pre-award notice naming its supplier: `other` in the corpus schema (corpus README, issue 11).
        ("某项目单一来源采购公示", T.OTHER),
        ("启东市人民医院手术室高效过滤器采购与更换安装项目补充通知", T.AMENDMENT),
        ("某医院设备采购项目", None),
    ],
)
def test_type_from_title(title: str, kind: T | None) -> None:
    assert type_from_title(title) is kind


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        # Priority amendment > termination > award, whatever comes first in the text.
        ("中标结果如下。\n项目终止,终止原因:供应商不足三家。\n更正事项:开标时间", T.AMENDMENT),
        ("中标结果如下。\n终止原因:预算调整", T.TERMINATION),
        ("现将中标结果公告如下", T.AWARD),
        ("潜在投标人应在某处获取招标文件", None),  # a tender phrase is no follow-up
        ("", None),
    ],
)
def test_follow_up_phrase_by_priority(body: str, kind: T | None) -> None:
    assert follow_up_phrase(body) is kind


def test_type_from_body_headings_and_url() -> None:
    assert notice_type(None, "一、项目基本情况\n二、更正信息\n更正事项:采购公告") is T.AMENDMENT
    assert notice_type(None, "一、项目编号:X\n三、中标(成交)信息\n1.中标结果") is T.AWARD
    assert notice_type(None, "一、项目基本情况\n二、项目终止的原因\n无有效投标") is T.TERMINATION
    assert type_from_url("http://www.ccgp.gov.cn/cggg/dfgg//gkzb/202401/t20240101_1.htm") is T.TENDER
    assert type_from_url("http://www.ccgp.gov.cn/cggg/zygg/gzgg/202401/t1.htm") is T.AMENDMENT
    assert notice_type(None, "正文", url="http://www.ccgp.gov.cn/cggg/dfgg/zbgg/202506/t2.htm") is T.AWARD
    assert notice_type(None, "正文", hints={"notice_type_hint": "更正公告"}) is T.AMENDMENT
    assert notice_type(None, "正文") is T.OTHER
    # Old pages without a typed title: 现对…进行公开招标 with a bid deadline.
    old_page = "现对某医院设备项目进行公开招标\n投标截止时间:2015年12月11日 09:00"
    assert notice_type("某医院设备项目", old_page) is T.TENDER


@pytest.mark.parametrize(
    ("method_text", "title", "text", "method"),
    [
        ("公开招标", None, "", M.OPEN),
        ("竞争性磋商", None, "", M.COMPETITIVE_CONSULTATION),
        ("竞争性谈判", None, "", M.COMPETITIVE_NEGOTIATION),
        ("询价", None, "", M.INQUIRY),
        ("单一来源", None, "", M.SINGLE_SOURCE),
        ("框架协议采购", None, "", M.FRAMEWORK),
        ("电子卖场", None, "", M.OTHER),
        (None, "某项目竞争性磋商公告", "", M.COMPETITIVE_CONSULTATION),
        (None, "关于某采购院内公开招标转竞争性谈判说明", "", M.COMPETITIVE_NEGOTIATION),
        (None, None, "某公司受某医院委托,现对某项目进行公开招标", M.OPEN),
        (None, None, "五、评审专家(单一来源采购人员)名单:张三", None),
    ],
)
def test_procurement_method(method_text: str | None, title: str | None, text: str, method: M | None) -> None:
    assert procurement_method(method_text, title, text) is method


def test_traditional_title_classifies_like_simplified() -> None:
    simplified = extract_notice("某醫院彩色多普勒超聲診斷儀採購項目公開招標公告\n採購方式:公開招標")
    assert simplified.notice_type is T.TENDER
    assert simplified.procurement_method is M.OPEN
    assert simplified.categories and simplified.category_terms == ("彩色多普勒超声诊断仪",)
