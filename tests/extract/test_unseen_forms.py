"""Forms the held-out notices showed (issue 11), each built from real text.

Sentences are quoted from real pages (the source is named) or are the fixed wording of the 2020
national templates (财办库〔2020〕50号) with the real variants the issue lists.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tenderbot.extract import explain_notice, extract_notice
from tenderbot.extract.classify import generic_title, type_from_phrases
from tenderbot.models import Category, NoticeType

T = NoticeType


# --- notice type from the body ------------------------------------------------------------------

@pytest.mark.parametrize(("body", "kind"), [
    # 财库〔2020〕10号 intention wording (Jinan University's monthly list uses it verbatim).
    ("为便于供应商及时了解政府采购信息,根据《财政部关于开展政府采购意向公开工作的通知》等有关规定,"
     "现将济南大学2024年1月政府采购意向公开如下:", T.INTENTION),
    # shared/corpus other-medtext (Ningxia 2016): no title, only the entrusted-agency sentence.
    ("陕西恒瑞项目管理有限公司宁夏分公司受平罗县中医医院委托,根据《中华人民共和国政府采购法》等有关规定,"
     "现对平罗县中医医院血液透析机设备项目进行公开招标,欢迎合格的供应商前来投标。", T.TENDER),
    ("项目概况\n彩色多普勒超声诊断仪采购项目的潜在投标人应在济南市公共资源交易中心获取招标文件,"
     "并于2025年05月06日 09点30分(北京时间)前递交投标文件。", T.TENDER),
    ("一、项目基本情况\n原公告的采购项目编号:SDGP370000000202501000001\n更正事项:采购公告\n"
     "更正内容:投标截止时间现变更为2025年5月20日9:30", T.AMENDMENT),
    ("一、项目基本情况\n采购项目编号:X-2025-1\n经评审,因有效投标人不足三家,本项目作废标处理。", T.TERMINATION),
    ("一、项目编号:X-2025-1\n中标供应商名称:山东某医疗器械有限公司\n中标(成交)金额:126.5万元", T.AWARD),
])
def test_type_from_body_phrases(body: str, kind: NoticeType) -> None:
    assert type_from_phrases(body) is kind
    assert extract_notice(body).notice_type is kind


def test_a_tender_whose_rules_mention_award_words_stays_a_tender() -> None:
    # medtext-tender-fujian-contract-lot-morning: "…并不得推荐为中标候选人" inside the rules.
    body = ("福建讯诚招标有限公司受委托对下列政府采购项目进行公开招标:\n1.招标文件编号:FJXCZB2015128\n"
            "7.8本采购项目设最高控制价在开标现场公布,投标人的报价超过最高控制价的,其价格分为0分,"
            "并不得推荐为中标候选人。\n8.投标截止时间:2015年10月22日上午09:30(北京时间)")
    assert type_from_phrases(body) is T.TENDER


def test_a_page_quoting_several_projects_is_other_without_budget_or_deadline() -> None:
    text = (
        "近日,我市发布三项医疗设备采购信息。\n"
        "项目名称:市人民医院CT采购项目\n项目编号:RMYY-2025-01\n预算金额:680万元\n投标截止时间:2025年5月6日9:30\n"
        "项目名称:市中医院彩超采购项目\n项目编号:ZYY-2025-07\n预算金额:120万元\n投标截止时间:2025年5月9日14:30\n"
        "项目名称:市妇幼保健院监护仪采购项目\n项目编号:FY-2025-03\n预算金额:45万元\n"
    )
    notice, trace = explain_notice(text)
    assert notice.notice_type is T.OTHER and trace.reasons["notice_type"].rule == "multi-project"
    assert notice.budget is None and notice.tender_deadline is None and notice.lots == ()


# --- buyer in running text ----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "buyer"), [
    ("陕西恒瑞项目管理有限公司宁夏分公司受平罗县中医医院委托,根据《中华人民共和国政府采购法》等有关规定,"
     "现对平罗县中医医院血液透析机设备项目进行公开招标", "平罗县中医医院"),
    ("现将济南大学2024年1月政府采购意向公开如下:", "济南大学"),
    ("项目概况\n本项目采购人为【淄博市中心医院】,采购代理机构为山东某招标有限公司。", "淄博市中心医院"),
    ("招标人:平罗县中医医院(盖章)\n", "平罗县中医医院"),
    # ccgp Jinan 2025 summary box repeats the buyer once per lot.
    ("采购单位名称:济南大学,济南大学,济南大学,济南大学\n", "济南大学"),
])
def test_buyer_from_running_text(text: str, buyer: str) -> None:
    notice = extract_notice(text)
    assert notice.buyer is not None and notice.buyer.name == buyer


# --- budget -------------------------------------------------------------------------------------

def test_budget_unit_split_onto_a_later_line() -> None:
    text = "一、项目基本情况\n项目编号:ABC-2025-001\n预算金额:1.8\n\n万元\n最高限价:1.8万元\n"
    assert extract_notice(text).budget.amount == Decimal("18000")  # type: ignore[union-attr]


def test_budget_in_prose_daxie_and_header_unit_tables() -> None:
    assert extract_notice("某医院CT采购项目招标公告\n本项目预算为180万元。").budget.amount == Decimal(1800000)  # type: ignore[union-attr]
    assert extract_notice("采购公告\n采购预算:人民币壹佰贰拾万元整\n").budget.amount == Decimal(1200000)  # type: ignore[union-attr]
    table = "采购公告\n序号 | 品目 | 预算金额(万元)\n1 | 彩超 | 120\n2 | 监护仪 | 30\n预算合计 | | 150\n"
    assert extract_notice(table).budget.amount == Decimal(1500000)  # type: ignore[union-attr]


def test_rates_phones_and_deposits_are_no_budget() -> None:
    notice = extract_notice("采购公告\n下浮率:5%\n联系电话:0531-88888888\n投标保证金:2万元\n")
    assert notice.budget is None


# --- deadline -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("line", "expected"), [
    ("提交投标文件截止时间:2025年5月6日 17 : 00(北京时间)", "2025-05-06 17:00"),
    ("四、提交投标文件截止时间、开标时间和地点\n2025年05月06日 9 时(北京时间)", "2025-05-06 09:00"),
    ("投标截止时间:2025年5月6日 08点00分", "2025-05-06 08:00"),
    ("投标截止时间:2025年5月6日 截止 17:00", "2025-05-06 17:00"),
    # A copy whose 年/月/日/时 glyphs were dropped by the font mapping.
    ("投标截止时间:2021 10 12 14 00 分", "2021-10-12 14:00"),
    ("项目概况\n某医院彩超采购项目的潜在投标人应在网上获取招标文件,并于2025年5月6日 14:30(北京时间)前递交投标文件。",
     "2025-05-06 14:30"),
])
def test_deadline_time_forms(line: str, expected: str) -> None:
    deadline = extract_notice("某医院采购项目招标公告\n" + line + "\n").tender_deadline
    assert deadline is not None and deadline.strftime("%Y-%m-%d %H:%M") == expected


def test_amendment_takes_the_new_deadline_not_the_old() -> None:
    text = ("某医院彩超采购项目更正公告\n二、更正信息\n更正事项:采购公告\n"
            "更正内容:原投标截止时间:2025年5月6日9:30;现调整为2025年5月16日9:30。\n")
    notice, trace = explain_notice(text)
    assert notice.tender_deadline is not None and notice.tender_deadline.day == 16
    assert trace.reasons["tender_deadline"].rule == "text:amendment:new-time"


# --- award --------------------------------------------------------------------------------------

def test_award_label_after_the_template_note_on_rates() -> None:
    # ccgp Jinan 2025 (samples/ccgp): the 2020 template's note precedes the amount.
    text = ("三、中标(成交)信息\n供应商名称:山东某建设有限公司\n"
            "中标（成交）金额：（可填写下浮率、折扣率或费率）：2767万元\n")
    award = extract_notice("某项目中标结果公告\n" + text).award
    assert award is not None and award.amount is not None and award.amount.amount == Decimal(27670000)


def test_award_rate_is_no_amount_and_daxie_with_jiao_fen_is() -> None:
    rate = extract_notice("某物业中标结果公告\n三、中标(成交)信息\n供应商名称:甲公司\n中标(成交)金额:下浮率5%\n").award
    assert rate is not None and rate.amount is None
    daxie = extract_notice("成交结果公告\n成交供应商:甲公司\n成交金额:人民币壹拾贰万叁仟肆佰伍拾陆元柒角捌分\n").award
    assert daxie is not None and daxie.amount is not None and daxie.amount.amount == Decimal("123456.78")


def test_award_price_label_and_prose() -> None:
    award = extract_notice("某医院彩超采购项目中标结果公告\n供应商名称:某某医疗科技有限公司\n"
                           "中标(成交)价:壹佰贰拾万元整(¥1,200,000.00)\n").award
    assert award is not None and award.amount is not None and award.amount.amount == Decimal(1200000)
    prose = extract_notice("某医院结果公告\n中标供应商名称:甲公司\n本项目中标金额为126.5万元。\n").award
    assert prose is not None and prose.amount is not None and prose.amount.amount == Decimal(1265000)


def test_one_winner_per_lot_gives_no_single_award() -> None:
    text = "中标结果公告\n包1:\n中标供应商:甲公司\n中标金额:12.5万元\n包2:\n中标供应商:乙公司\n中标金额:30万元\n"
    assert extract_notice(text).award is None


# --- category recall and titles -----------------------------------------------------------------

@pytest.mark.parametrize(("title", "category"), [
    ("某县人民医院医用诊察和监护器械采购项目", Category.MEDICAL),  # 医疗器械分类目录 07
    ("某市中医院中医器械设备采购", Category.MEDICAL),  # 品目 A0320 中医器械设备
    ("某县第一中学理化生实验室设备采购项目", Category.INSTRUMENT),
    ("某区生态环境局VOCs在线监测系统采购项目", Category.INSTRUMENT),
    ("平罗县中医医院血液透析机设备项目", Category.MEDICAL),
])
def test_category_recall_from_official_vocabularies(title: str, category: Category) -> None:
    notice, trace = explain_notice(title + "招标公告\n")
    assert category in notice.categories
    assert trace.reasons["categories"].rule.startswith("taxonomy:")


def test_negatives_still_win() -> None:
    assert extract_notice("某医院医用成像器械维保服务项目招标公告\n").categories == ()
    assert extract_notice("某中学化学实验室改造工程招标公告\n").categories == ()


def test_generic_title_falls_back_to_project_name() -> None:
    assert generic_title("项目概况") and generic_title("招标公告") and not generic_title("某医院CT采购项目招标公告")
    notice, trace = explain_notice("招标公告\n一、项目基本情况\n项目编号:X-1\n项目名称:某医院CT采购项目\n")
    assert notice.title == "某医院CT采购项目" and trace.reasons["title"].rule == "label:项目名称"


# --- forms of the development corpus (tests/fixtures/corpus, dev half of SPLIT.tsv) -------------

def test_a_crawled_ccgp_list_row_gives_title_buyer_type_and_time() -> None:
    # ccgplist-tender-anhui-mingguang-colonoscope: one list column a line, 地区 glued to the title.
    row = ("明光市中医院高清染色电子结肠镜采购与安装招标公告安徽\n"
           "http://www.ccgp.gov.cn/cggg/dfgg/gkzb/201610/t20161024_7473163.htm\n安徽\n 明光市中医院\n \n"
           "2016-10-24 15:24:54\n 明光市中医院\n公开招标公告\n ")
    notice = extract_notice(row)
    assert notice.title == "明光市中医院高清染色电子结肠镜采购与安装招标公告"
    assert notice.buyer is not None and notice.buyer.name == "明光市中医院"
    assert notice.notice_type is T.TENDER and Category.MEDICAL in notice.categories
    assert notice.region is not None and notice.region.province == "安徽"
    assert notice.published_at is not None and notice.published_at.hour == 15


def test_single_source_publicity_is_other() -> None:
    notice = extract_notice("佛山市南海区人民医院蓝激光胃肠镜摄像系统单一来源公示\n拟采用单一来源方式采购。")
    assert notice.notice_type is T.OTHER and notice.procurement_method is not None
    assert notice.procurement_method.value == "single_source"


def test_masked_names_and_label_words_are_no_buyer() -> None:
    # hospital-intention-traditional-property-masked: the re-posting site masks the hospital.
    assert extract_notice("******醫院2026年3月(第1批)政府採購意向公告\n采购人:******医院\n").buyer is None
    assert extract_notice("某项目补充通知\n采购人:采购中心名称\n").buyer is None


@pytest.mark.parametrize(("title", "code"), [
    ("[GDJYYY2016001]广东省监狱中心医院医疗设备采购项目中标结果公告", "GDJYYY2016001"),
    ("阳春市人民医院医疗设备招标采购项目公开招标公告【项目编号:YCRY-HW-1617】", "YCRY-HW-1617"),
    ("龙岩市第一医院医疗器械采购招标补充公告-FJLQ20162151", "FJLQ20162151"),
    ("某医院2016年医疗设备采购项目公告", None),
])
def test_project_code_written_in_the_title(title: str, code: str | None) -> None:
    assert extract_notice("正文", title=title).project_code == code


def test_budget_in_a_form_row_of_label_value_pairs() -> None:
    # repost-tender-ningxia-shizuishan-laryngoscope-table (宁夏 2024 re-post).
    text = ("公告内容\n"
            "采购计划编号: | 2024NCZ(SZS)001463 | 项目名称: | 石嘴山市第一人民医院电子喉镜等设备采购项目(二批次) |\n"
            "---|---|---|---|\n采购方式: | 公开招标 | 预算金额 | 3950000.00 |\n")
    notice = extract_notice(text)
    assert notice.budget is not None and notice.budget.amount == Decimal(3950000)
    assert notice.notice_type is T.TENDER


def test_markdown_rule_line_under_a_table_header() -> None:
    text = ("现将某医院2025年7月采购意向公开如下:\n"
            "序号 | 采购项目名称 | 采购需求概况 | 预算金额(元) | 预计采购时间(填写到月) |\n"
            "---|---|---|---|---|\n1 | 某医院保洁托管服务 | 环境表面的保洁 | 756500 | 2025-08 |\n")
    notice = extract_notice(text)
    assert notice.budget is not None and notice.budget.amount == Decimal(756500)


def test_news_report_is_other_without_budget() -> None:
    # news-other-hubei-hefeng-county-procurement-summary: a re-post's date line, then the report.
    text = ("2025-07-11 02:35:25 2次\n鹤峰县近期招标项目中,医用耗材与信息化设备采购占据主导地位。"
            "县中心医院病理专机专用材料采购以133.45万元由国药器械恩施有限公司中标。\n")
    notice = extract_notice(text)
    assert notice.notice_type is T.OTHER and notice.budget is None and notice.award is None


def test_negative_word_inside_the_agency_name_does_not_veto() -> None:
    # ccgplist-termination-guangxi-qinzhou-buyer-not-in-title: 工程 belongs to 龙建工程管理有限公司.
    notice = extract_notice("广西龙建工程管理有限公司医疗设备采购废标公告/流标公告\n正文")
    assert notice.categories == (Category.MEDICAL,)


def test_the_purchaser_word_ending_the_buyer_name_decides_a_generic_title() -> None:
    # ccgplist-award-beijing-pku-third-central: 北京大学第三医院 is a hospital, not a university.
    notice = extract_notice("北京大学第三医院设备购置项目-418中标公告\n采购人:北京大学第三医院\n")
    assert notice.categories == (Category.MEDICAL,)


def test_industrial_endoscope_is_an_instrument() -> None:
    notice = extract_notice(
        "江西省锅炉压力容器检验检测研究院鹰潭分院逆变交叉旋转磁场探伤仪和工业视频内窥镜采购成交结果公告\n")
    assert notice.categories == (Category.INSTRUMENT,)


def test_award_winner_without_colon_and_in_prose_not_from_the_score_table() -> None:
    # gdgpo-award-zhongshan-lab-outsourcing-fee-trap and hospital-award-fuzhou-childrens-renovation-score.
    text = ("某服务项目中标结果公告\n三、中标(成交)信息\n"
            "1:供应商名称 广州华银医学检验中心有限公司 ;供应商地址 广州高新技术产业开发区 ;中标(成交)金额 1267500;\n"
            "分包号 | 分包名称 | 投标供应商名称 | 价格得分 | 排名\n1 | 检验外送 | 权重30% | 30 | 1\n")
    award = extract_notice(text).award
    assert award is not None and award.supplier == "广州华银医学检验中心有限公司"
    prose = ("经院务会研究通过,福建省福州儿童医院承顺楼六楼改造项目进行对外招标采购。投标结果为:"
             "福建省升创建设工程有限公司,以92分最高分中标。现予以公示。")
    notice = extract_notice(prose)
    assert notice.notice_type is T.AWARD
    assert notice.award is not None and notice.award.supplier == "福建省升创建设工程有限公司"


@pytest.mark.parametrize(("text", "buyer"), [
    ("湖南娄底关于娄底市中心医院新住院大楼监控系统招标项目废标的公告\n"
     "我公司受娄底市中心医院委托,就其所需项目组织公开招标。", "娄底市中心医院"),
    ("汽车综合性能试验教学实验系统招标公告\n江苏大学因教学科研需要,拟购置如下仪器设备,经费已经落实到位。", "江苏大学"),
    ("关于“阜阳市颍州区卫生和计划生育委员会基层医疗卫生机构设备采购项目”的补充通知\n正文",
     "阜阳市颍州区卫生和计划生育委员会"),
])
def test_buyer_from_titles_and_opening_sentences(text: str, buyer: str) -> None:
    notice = extract_notice(text)
    assert notice.buyer is not None and notice.buyer.name == buyer


def test_a_generic_title_lets_the_body_say_amendment() -> None:
    # repost-amendment-lanzhou-dental-postponed-no-date: "招标公告" above a two-line 关于… title.
    text = ("|\n招标公告\n关于“兰州市口腔医院异地新建项目通风空调设备采购及安装\n工程”开标延期的公告\n"
            "大华建设项目管理有限公司受兰州市口腔医院的委托对该项目进行公开招标。原定于2021年11月2日上午9:30分开标。")
    assert extract_notice(text).notice_type is T.AMENDMENT


def test_untitled_page_is_categorised_with_its_opening_line() -> None:
    # hospital-tender-liaoning-chaoyang-consumables-2012: consumables, though the body says 医疗器械.
    text = ("根据医院相关规定,我院决定对医院所需卫生耗材公开招标,现将招标相关事项告知如下: 一、招标范围:卫生耗材。\n"
            "投标商必须是具有经营相应医疗器械的资质。\n")
    notice = extract_notice(text)
    assert notice.notice_type is T.TENDER and notice.categories == ()


def test_beijing_time_is_no_region() -> None:
    # zcy-tender-guangxi-lingyun-maternal-lots: a Guangxi county's notice says "(北京时间)" twice.
    text = ("项目概况\n凌云县妇幼保健院整体搬迁项目医疗设备采购招标项目的潜在投标人应在“政采云”平台获取招标文件,"
            "并于 2022年12月19日 09:30(北京时间)前递交投标文件。\n")
    region = extract_notice(text).region
    assert region is None or region.province != "北京"


@pytest.mark.parametrize(("body", "kind"), [
    # Section 一 of the 2020 call-for-bids template, with no title and no 获取/递交 sentence (a re-post).
    ("一、项目基本情况\n最高限价:45.6万元\n采购需求:\n详见采购文件。\n合同履行期限:自合同签订之日起一年。", T.TENDER),
    # aggregator-tender-beijing-property-comparison-traditional-masked (dev): a 比选 for property services.
    ("递交比选文件时间:比选文件一份,2021年3月15日上午9:30分之前送至后勤管理处办公室。", T.TENDER),
    # docshare-tender-yangtze-delta-drug-volume-procurement (dev): "第一部分 采购邀请".
    ("采购文件编号:CSJ-YD2022-1\n第一部分 采购邀请\n为贯彻落实党中央、国务院决策部署,开展药品集中带量采购。", T.TENDER),
    # The 2020 contract template without its numbering.
    ("合同编号:HT-2024-018\n合同名称:彩超采购合同\n采购人(甲方):某县人民医院\n"
     "供应商(乙方):某医疗科技有限公司", T.CONTRACT),
])
def test_template_sections_give_the_type(body: str, kind: NoticeType) -> None:
    assert extract_notice(body).notice_type is kind


def test_buyer_named_before_its_project_and_more_organisation_kinds() -> None:
    # aggregator-award-hunan-shaoshan-kitchen-plan-number-trap (dev).
    text = "韶山干部学院的厨房设施设备采购公开招标采购项目于2021年09月08日结束,现将中标(成交)结果公告如下:\n"
    notice = extract_notice(text)
    assert notice.buyer is not None and notice.buyer.name == "韶山干部学院"
    titled = extract_notice("某市食品药品检验所气相色谱仪采购项目招标公告\n正文")
    assert titled.buyer is not None and titled.buyer.name == "某市食品药品检验所"


@pytest.mark.parametrize("body", [
    "一、项目基本情况\n项目编号:X-1\n二、申请人的资格要求:\n1.满足《中华人民共和国政府采购法》第二十二条规定",
    "报名时间:2024年3月1日至3月5日\n报名方式:现场报名",
])
def test_call_for_bids_sections_without_a_deadline_sentence(body: str) -> None:
    assert extract_notice(body).notice_type is T.TENDER


def test_a_placeholder_in_the_list_row_yields_to_the_title() -> None:
    # ccgplist-amendment-anhui-fuyang-placeholder-purchase-column (dev): 采购人 column says "采购中心名称".
    row = ("关于“阜阳市颍州区卫生和计划生育委员会基层医疗卫生机构设备采购项目”的补充通知安徽\n"
           "http://www.ccgp.gov.cn/cggg/dfgg/qtgg/201610/t20161008_7399595.htm\n安徽\n 采购中心名称\n \n"
           "2016-10-08 15:23:10\n 采购中心名称\n其它公告\n ")
    notice = extract_notice(row)
    assert notice.buyer is not None and notice.buyer.name == "阜阳市颍州区卫生和计划生育委员会"
