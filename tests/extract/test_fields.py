"""Label-driven fields: codes, money (units in labels and table headers), lots, deadlines, parties."""

from __future__ import annotations

import json
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenderbot.errors import ParseError
from tenderbot.extract import extract_notice
from tenderbot.extract.dates import TZ
from tenderbot.extract.fields import clean_code, extract_fields, project_code, tender_deadline
from tenderbot.extract.parties import agency, buyer, organisation_prefix, signature
from tenderbot.extract.tables import find_tables, lot_index, lot_number
from tenderbot.extract.text import normalize
from tenderbot.models import Money, NoticeType
from tests.corpus_support import extraction_errors

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"


def at(*parts: int) -> datetime:
    """A Beijing-time datetime."""
    return datetime(*parts, tzinfo=TZ)  # type: ignore[misc]


def fields_of(raw: str, *, amendment: bool = False):  # type: ignore[no-untyped-def]
    """Fields of a normalised snippet."""
    text = normalize(raw)
    return extract_fields(text, find_tables(text), amendment=amendment)


# A 2020-format 招标公告 body (domain.md §1.1), as ccgp renders it after normalisation.
TENDER_2020 = """项目概况
液相色谱仪采购项目招标项目的潜在投标人应在政采云平台获取招标文件，
并于2024年10月21日 09点30分（北京时间）前递交投标文件。
一、项目基本情况
项目编号：ZJ-2024-0815
项目名称：液相色谱仪采购项目
预算金额：120万元（人民币）
最高限价（如有）：同预算金额
三、获取招标文件
时间：2024年09月29日 至 2024年10月12日，每天上午09:00至11:30，下午14:00至17:00
四、提交投标文件截止时间、开标时间和地点
2024年10月21日 09点30分（北京时间）
地点：杭州市
七、对本次招标提出询问，请按以下方式联系。
1.采购人信息
名 称：某市疾病预防控制中心
地 址：某市某路1号
联系方式：张老师 0571-88888888
2.采购代理机构信息
名 称：某招标代理有限公司
地　址：某市某路2号
联系方式：0571-66666666
"""


def test_tender_2020_format() -> None:
    found = fields_of(TENDER_2020)
    assert found.project_code == "ZJ-2024-0815"
    assert found.project_name == "液相色谱仪采购项目"
    assert found.budget == Money(Decimal("1200000"))
    assert found.max_price == Money(Decimal("1200000"))  # 同预算金额
    # The deadline, not the 获取招标文件 sale period that comes first.
    assert found.tender_deadline == at(2024, 10, 21, 9, 30)
    assert found.opening_time == at(2024, 10, 21, 9, 30)


def test_contacts_block_parties() -> None:
    text = normalize(TENDER_2020)
    party = buyer(text, {})
    assert party is not None
    assert (party.name, party.address, party.contact, party.phone) == (
        "某市疾病预防控制中心",
        "某市某路1号",
        "张老师",
        "0571-88888888",
    )
    agent = agency(text, {})
    assert agent is not None and agent.name == "某招标代理有限公司" and agent.phone == "0571-66666666"


def test_key_value_table_and_unit_in_label() -> None:
    found = fields_of("项目编号 | HLJ-2023-77\n预算金额(万元) | 190\n最高限价(元) | 1,800,000.00")
    assert found.project_code == "HLJ-2023-77"
    assert found.budget == Money(Decimal("1900000"))
    assert found.max_price == Money(Decimal("1800000"))


def test_header_row_table_lots_sum_when_no_total() -> None:
    raw = (
        "采购需求:\n包号 | 货物名称 | 数量 | 预算金额(万元) | 最高限价(万元)\n"
        "1 | 全自动生化分析仪 | 1 | 190 | 185\n2 | 血细胞分析仪 | 2 | 60.5 | 60\n二、申请人的资格要求"
    )
    found = fields_of(raw)
    assert [(lot.number, lot.name) for lot in found.lots] == [("1", "全自动生化分析仪"), ("2", "血细胞分析仪")]
    assert found.lots[0].budget == Money(Decimal("1900000"))
    assert found.lots[1].max_price == Money(Decimal("600000"))
    assert found.budget == Money(Decimal("2505000"))


def test_real_page_lots_wanyuan_header_and_total_label() -> None:
    notice = extract_notice((CORPUS / "medtext-tender-shandong-lots-wanyuan-table.html").read_bytes())
    assert [lot.budget for lot in notice.lots] == [Money(Decimal("450000")), Money(Decimal("390000"))]
    assert notice.budget == Money(Decimal("840000"))  # 预算金额:84.0 万元, not the header cell's lot value
    assert notice.tender_deadline == at(2016, 3, 23, 9, 30)
    assert notice.project_code == "SDJW-QLYY-GK-201601"


def test_real_page_rowspan_lots_and_project_total() -> None:
    notice = extract_notice((CORPUS / "medtext-tender-beijing-lot-budgets-sum.html").read_bytes())
    assert [lot.number for lot in notice.lots] == ["1", "2", "3", "4"]
    # Lots 1 and 2 span several devices (rowspan rows below them): no single name.
    assert [lot.name for lot in notice.lots] == [None, None, "皮肤激光治疗仪", "牙科综合治疗台"]
    assert notice.budget == Money(Decimal("9337000"))  # 项目控制预算(单位:万元) 933.7
    assert notice.tender_deadline == at(2015, 5, 14, 9, 30)


def test_lot_numbers() -> None:
    assert [lot_number(cell) for cell in ("包01", "第二包", "标段三", "采购包4", "12", "心电监护仪")] == [
        "01",
        "二",
        "三",
        "4",
        "12",
        None,
    ]
    assert [lot_index(number) for number in ("01", "二", "12")] == [1, 2, 12]


def test_text_lots_without_table() -> None:
    found = fields_of("包1:彩色多普勒超声诊断仪,预算金额:300万元\n包2:DR,预算金额:150万元")
    assert [lot.budget for lot in found.lots] == [Money(Decimal("3000000")), Money(Decimal("1500000"))]
    assert found.budget == Money(Decimal("4500000"))


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("项目编号:LKZX2025-CG013", "LKZX2025-CG013"),
        ("采购项目编号: 徐采公(2021)JSSW(Q)001", "徐采公(2021)JSSW(Q)001"),
        ("对某项目(项目编号:LNJC20190703002)进行了竞争性磋商", "LNJC20190703002"),
        ("(项目编号:MJZ2016017号)进行公开招标", "MJZ2016017"),
        ("一、项目基本情况项目编号:SH-SP2023-236项目名称:某设备采购", "SH-SP2023-236"),
        ("“棉织品(招标编号YTYY-20220803-FW027)”的公开招标活动", "YTYY-20220803-FW027"),
    ],
)
def test_project_code_as_written(raw: str, code: str) -> None:
    assert project_code(normalize(raw)) == code


def test_original_code_is_not_the_project_code() -> None:
    found = fields_of("原公告的采购项目编号:BTZCQSS-C-G-220014\n原公告的采购项目名称:某工程", amendment=True)
    assert found.original_project_code == "BTZCQSS-C-G-220014"
    assert found.project_code is None
    assert clean_code("详见附件") is None


def test_amendment_takes_the_new_deadline() -> None:
    raw = (
        "二、更正信息\n更正内容:原投标截止时间为2017年7月31日9时30分,现变更为2017年7月31日13时00分。"
        "开标时间延期至2017年8月2日13时00分。"
    )
    assert tender_deadline(normalize(raw), amendment=True) == at(2017, 8, 2, 13, 0)


def test_negotiation_deadline_section_and_overview_sentence() -> None:
    raw = (
        "四、响应文件提交\n截止时间:2023年07月14日 13点00分(北京时间)\n地点:上海市\n"
        "五、开启\n时间:2023年07月14日 14点00分"
    )
    found = fields_of(raw)
    assert found.tender_deadline == at(2023, 7, 14, 13, 0)
    assert found.opening_time == at(2023, 7, 14, 14, 0)
    overview = (
        "项目概况:某医院医疗设备采购招标项目的潜在投标人应在某地获取招标文件,"
        "并于2024-09-29 08:30:00(北京时间)前递交投标文件。"
    )
    assert fields_of(overview).tender_deadline == at(2024, 9, 29, 8, 30)


def test_flattened_page_values_stop_at_the_next_label() -> None:
    raw = "项目名称:(训练处)髋关节测试系统等专项设备采购采购方式:竞争性磋商预算金额:73.0800000 万元(人民币)采购需求:略"
    found = fields_of(raw)
    assert found.project_name == "(训练处)髋关节测试系统等专项设备采购"
    assert found.method_text == "竞争性磋商"
    assert found.budget == Money(Decimal("730800"))


def test_traditional_and_pinyin_artefacts_extract_like_simplified() -> None:
    raw = "項目編號:SDJW-QLYY-GK-201601\n預(yù)算金額:84.0 萬元(人民幣)\n投標截止時(shí)間:2016年03月23日 09:30"
    found = fields_of(raw)
    assert found.project_code == "SDJW-QLYY-GK-201601"
    assert found.budget == Money(Decimal("840000"))
    assert found.tender_deadline == at(2016, 3, 23, 9, 30)


def test_header_row_labels_read_the_cell_below() -> None:
    notice = extract_notice((CORPUS / "medtext-tender-fujian-competitive-negotiation.html").read_bytes())
    assert notice.buyer is not None and notice.buyer.name == "福建省立医院"
    assert notice.agency is not None and notice.agency.name == "福建立勤招标代理有限公司"
    assert notice.title == "医疗专用无线滤波器采购项目"


def test_organisation_prefix_of_titles() -> None:
    assert organisation_prefix("宁波市公安局三重四极杆液相色谱质谱联用仪等毒品实验室检测装备采购项目") == "宁波市公安局"
    assert organisation_prefix("青岛大学附属医院医疗设备采购(e)") == "青岛大学附属医院"
    assert organisation_prefix("广西科技师范学院生物学实验教学中心项目") == "广西科技师范学院"
    assert organisation_prefix("关于在采购活动中暂停与某医疗器械有限公司合作的通知") is None
    assert organisation_prefix("******医院2026年3月政府采购意向公告") is None


def test_award_page_winner_amount_and_summary() -> None:
    notice = extract_notice(
        (CORPUS / "ccgp-award-guizhou-summary-table.html").read_bytes(),
        url="http://www.ccgp.gov.cn/cggg/dfgg/zbgg/202506/t20250627_1.htm",
    )
    assert notice.notice_type is NoticeType.AWARD
    assert notice.award is not None
    assert notice.award.supplier == "江苏新煦光电科技有限公司"
    assert notice.award.amount == Money(Decimal("569800"))
    assert notice.published_at == at(2025, 6, 27, 17, 52)
    assert notice.buyer is not None and notice.buyer.phone == "13984083455"
    assert notice.budget is None


def test_prequalification_has_no_bid_deadline_but_zcy_values() -> None:
    notice = extract_notice((CORPUS / "zcy-prequal-guangxi-ppp-content.html").read_text(encoding="utf-8"))
    assert notice.notice_type is NoticeType.PREQUALIFICATION
    assert notice.budget == Money(Decimal("1608715900"))  # code-budgetPrice, in 元
    assert notice.tender_deadline is None  # 申请文件 dates are not bid deadlines (domain.md §1.3)
    assert notice.project_code == "GXZC2021-G2-005022-GXZB"


def test_zcy_detail_json() -> None:
    notice = extract_notice((CORPUS / "zcy-intention-zhejiang-detail-json.json").read_bytes())
    assert notice.notice_type is NoticeType.INTENTION
    assert notice.title == "浙江大学医学院附属儿童医院2025年5月三院区维修材料-工程政府采购意向"
    assert notice.published_at == datetime.fromtimestamp(1748250241, tz=TZ)
    assert notice.region is not None and notice.region.province == "浙江"  # districtCode 339900


def test_hints_are_fallbacks() -> None:
    notice = extract_notice(
        "某设备采购公告\n详见附件",
        hints={"buyer": "某县人民医院", "budget_yuan": "500000", "province": "广西壮族自治区"},
    )
    assert notice.buyer is not None and notice.buyer.name == "某县人民医院"
    assert notice.budget == Money(Decimal("500000"))
    assert notice.region is not None and notice.region.province == "广西"


@pytest.mark.parametrize("content", [b"", b"  \n\t", "", b"\x00\x01\x02\x03" * 100])
def test_not_a_document_raises_parse_error(content: str | bytes) -> None:
    with pytest.raises(ParseError):
        extract_notice(content)


@pytest.mark.parametrize(
    "content",
    [
        "<html><body></body></html>",
        "<<<>>>",
        "{not json",
        "[1, 2, 3]",
        "预算金额:",
        "<div>" * 10 + "项目编号:",
        "项目编号:ABC-1".encode("utf-16"),
        "预算金额:120万元".encode("gb18030"),
    ],
)
def test_garbage_gives_a_partial_notice(content: str | bytes) -> None:
    with extraction_errors() as errors:
        notice = extract_notice(content)
    assert isinstance(notice.notice_type, NoticeType)
    assert not errors, [r.getMessage() for r in errors]  # partial, but no step crashed on the way


_PIECES = [
    "项目编号:",
    "预算金额:",
    "万元",
    "<p>",
    "</td><td>",
    "<tr>",
    " | ",
    "\n",
    "采购人信息",
    "名称:",
    "包1",
    "2024年10月21日",
    "09:30",
    "投标截止时间",
    "变更为",
    "¥",
    "1,200",
    "(",
    ")",
    "CT",
    "维修",
    "医院",
    "省",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=8)), max_size=40))
def test_any_text_gives_a_notice_or_parse_error(pieces: list[str]) -> None:
    content = "".join(pieces)
    try:
        with extraction_errors() as errors:
            notice = extract_notice(content)
        assert not errors, [r.getMessage() for r in errors]
    except ParseError:
        assert not content.strip() or any((ord(ch) < 32 and ch not in "\t\n\r") or ch == "\ufffd" for ch in content)
        return
    assert notice.budget is None or notice.budget.amount > 0
    assert notice.tender_deadline is None or notice.tender_deadline.tzinfo is not None


def test_signature_names_the_buyer_of_a_hospital_notice() -> None:
    text = normalize("废标公告\n我院于2023年8月11日组织了“棉织品”的公开招标活动。\n深圳市盐田区人民医院\n2023年8月24日")
    assert signature(text) == "深圳市盐田区人民医院"
    agency_signed = normalize("…其他内容不变。\n内蒙古金晨建设项目管理有限公司\n2022年03月23日\n相关附件:\n图纸.zip")
    assert signature(agency_signed) is None
    notice = extract_notice("废标公告\n我院组织的公开招标活动作废标处理。\n深圳市盐田区人民医院\n2023年8月24日")
    assert notice.buyer is not None and notice.buyer.name == "深圳市盐田区人民医院"
    assert notice.notice_type is NoticeType.TERMINATION


def test_variant_cai_character_in_labels() -> None:
    notice = extract_notice(
        "1.釆购人信息\n名称:某县人民医院\n2.釆购代理机构信息\n名称:某招标有限公司\n联系方式:0471-1234567"
    )
    assert notice.buyer is not None and notice.buyer.name == "某县人民医院"
    assert notice.agency is not None and notice.agency.phone == "0471-1234567"


def test_a_listing_hint_names_a_buyer_found_only_by_address() -> None:
    notice = extract_notice("某设备采购公告\n采购人地址:南宁市某路1号\n详见附件", hints={"buyer": "某县人民医院"})
    assert notice.buyer is not None
    assert (notice.buyer.name, notice.buyer.address) == ("某县人民医院", "南宁市某路1号")


@pytest.mark.parametrize(
    ("label", "value", "yuan"),
    [("中标金额(元)", "800000", "800000"), ("中标金额(万元)", "80", "800000"), ("中标金额(亿元)", "1.2", "120000000")],
)
def test_award_amount_takes_the_unit_from_its_label(label: str, value: str, yuan: str) -> None:
    notice = extract_notice(f"某医院设备采购中标公告\n中标供应商:某公司\n{label}:{value}\n")
    assert notice.award is not None and notice.award.amount is not None
    assert notice.award.amount.amount == Decimal(yuan)


def test_a_large_json_list_is_read_in_linear_time() -> None:
    rows = json.dumps([{"a": "某医院采购项目", "b": "2024-01-01"} for _ in range(8_000)])
    started = time.perf_counter()
    extract_notice(rows)
    assert time.perf_counter() - started < 2.0  # was quadratic: 8,000 rows took 16 s
