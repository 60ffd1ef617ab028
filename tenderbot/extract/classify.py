"""Notice type, procurement method and categories (research/domain.md §4, §5).

The type comes from the title suffix first (scan from the end: the last type keyword wins, the
longest on a tie, then the priority order of §5), then the 2020-format body headings, then the
ccgp URL folder, then a source hint.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from tenderbot.extract.taxonomy import CategoryDecision, Taxonomy
from tenderbot.models import NoticeType, ProcurementMethod

T = NoticeType
# (keyword, type); the priority order of §5 breaks ties between keywords ending at the same place.
_TITLE_KEYWORDS: tuple[tuple[str, NoticeType], ...] = (
    ("政府采购意向", T.INTENTION), ("采购意向公开", T.INTENTION), ("采购意向公告", T.INTENTION),
    ("采购意向", T.INTENTION), ("需求征求意见", T.INTENTION), ("征求意见公告", T.INTENTION),
    ("需求公示", T.INTENTION), ("需求调研", T.INTENTION), ("市场调研", T.INTENTION), ("调研公告", T.INTENTION),
    ("论证公示", T.INTENTION), ("采购需求论证", T.INTENTION), ("进口产品论证", T.INTENTION),
    ("采购进口产品公示", T.INTENTION),
    # 单一来源公示 names a pre-selected supplier: a pre-award notice, no open tender (domain.md §1.4);
    # the schema has no pre-award type, so it is ``other`` (tests/fixtures/corpus/README.md).
    ("单一来源采购公示", T.OTHER), ("单一来源公示", T.OTHER), ("单一来源采购征求意见", T.OTHER),
    ("单一来源公告", T.OTHER), ("单一来源采购的公示", T.OTHER), ("单一来源采购公告", T.OTHER),
    ("资格预审公告", T.PREQUALIFICATION), ("资格预审", T.PREQUALIFICATION),
    ("公开招标公告", T.TENDER), ("邀请招标公告", T.TENDER), ("招标公告", T.TENDER), ("招标通告", T.TENDER),
    ("竞争性谈判公告", T.TENDER), ("竞争性磋商公告", T.TENDER), ("磋商公告", T.TENDER), ("谈判公告", T.TENDER),
    ("询价公告", T.TENDER), ("询价采购公告", T.TENDER), ("竞价公告", T.TENDER), ("比选公告", T.TENDER),
    ("遴选公告", T.TENDER), ("采购公告", T.TENDER), ("招标采购公告", T.TENDER), ("征集公告", T.TENDER),
    ("框架协议采购征集公告", T.TENDER), ("邀请书", T.TENDER), ("议标采购公告", T.TENDER), ("议标公告", T.TENDER),
    ("更正公告", T.AMENDMENT), ("变更公告", T.AMENDMENT), ("澄清公告", T.AMENDMENT), ("澄清或修改", T.AMENDMENT),
    ("补充公告", T.AMENDMENT), ("更正(澄清)公告", T.AMENDMENT), ("延期公告", T.AMENDMENT),
    ("延期开标", T.AMENDMENT), ("开标延期", T.AMENDMENT),
    ("延期的公告", T.AMENDMENT), ("答疑", T.AMENDMENT), ("暂停公告", T.AMENDMENT), ("恢复公告", T.AMENDMENT),
    ("更正", T.AMENDMENT), ("澄清", T.AMENDMENT), ("变更", T.AMENDMENT), ("补充通知", T.AMENDMENT),
    ("更正通知", T.AMENDMENT), ("变更通知", T.AMENDMENT), ("延期通知", T.AMENDMENT), ("澄清通知", T.AMENDMENT),
    ("中标(成交)结果公告", T.AWARD), ("中标结果公告", T.AWARD), ("成交结果公告", T.AWARD), ("中标公告", T.AWARD),
    ("成交公告", T.AWARD), ("结果公告", T.AWARD), ("结果公示", T.AWARD), ("中标公示", T.AWARD),
    ("中标候选人公示", T.AWARD), ("评标结果公示", T.AWARD), ("入围结果公告", T.AWARD), ("成交结果", T.AWARD),
    ("中标结果", T.AWARD),
    # Further standard title endings (框架协议 中选, 候选人 publicity, 定标; 废标/流标 results are terminations).
    ("中选结果公告", T.AWARD), ("中选公告", T.AWARD), ("中选结果", T.AWARD), ("成交候选人公示", T.AWARD),
    ("中标候选人公告", T.AWARD), ("成交公示", T.AWARD), ("定标公示", T.AWARD), ("定标结果", T.AWARD),
    ("废标结果公告", T.TERMINATION), ("流标结果公告", T.TERMINATION), ("废标结果公示", T.TERMINATION),
    ("终止结果公告", T.TERMINATION), ("采购终止公告", T.TERMINATION), ("中止公告", T.AMENDMENT),
    ("补遗", T.AMENDMENT), ("修改公告", T.AMENDMENT), ("更改公告", T.AMENDMENT), ("答疑公告", T.AMENDMENT),
    ("邀请函", T.TENDER), ("询价函", T.TENDER), ("比价公告", T.TENDER), ("招募公告", T.TENDER),
    ("询价通知书", T.TENDER), ("磋商邀请", T.TENDER), ("谈判邀请", T.TENDER), ("投标邀请", T.TENDER),
    # Doc-sharing copies of the documents themselves are calls for bids (docshare-* in the corpus).
    ("招标文件", T.TENDER), ("磋商文件", T.TENDER), ("谈判文件", T.TENDER), ("询价文件", T.TENDER),
    ("中标通知书", T.AWARD), ("成交通知书", T.AWARD), ("答疑纪要", T.AMENDMENT),
    ("终止公告", T.TERMINATION), ("废标公告", T.TERMINATION), ("流标公告", T.TERMINATION),
    ("失败公告", T.TERMINATION), ("采购失败", T.TERMINATION), ("项目终止", T.TERMINATION),
    ("取消公告", T.TERMINATION), ("终止(废标)公告", T.TERMINATION), ("终止", T.TERMINATION),
    ("废标", T.TERMINATION), ("流标", T.TERMINATION),
    ("合同公告", T.CONTRACT), ("合同公示", T.CONTRACT), ("政府采购合同公告", T.CONTRACT),
    ("验收公告", T.OTHER), ("验收结果公示", T.OTHER), ("履约验收", T.OTHER), ("其他公告", T.OTHER),
    ("投诉处理结果", T.OTHER), ("监督检查", T.OTHER),
)  # fmt: skip
_PRIORITY = {T.AMENDMENT: 0, T.TERMINATION: 1, T.AWARD: 2, T.CONTRACT: 3, T.PREQUALIFICATION: 4,
             T.TENDER: 5, T.INTENTION: 6, T.OTHER: 7}
_TITLE_REGEX = re.compile("|".join(re.escape(k) for k, _ in sorted(_TITLE_KEYWORDS, key=lambda kv: -len(kv[0]))))
_KEYWORD_TYPE = dict(_TITLE_KEYWORDS)
_BODY_HEADINGS: tuple[tuple[re.Pattern[str], NoticeType], ...] = (
    (re.compile(r"(?:^|\n)[一二三四五六七八九十]+、\s*更正信息"), T.AMENDMENT),
    (re.compile(r"(?:^|\n)[一二三四五六七八九十]+、\s*(?:项目(?:终止|废标|流标)(?:/(?:废标|流标))?的?原因|废标)"),
     T.TERMINATION),
    (re.compile(r"(?:^|\n)[一二三四五六七八九十]+、\s*(?:中标(?:\(成交\))?|成交)信息"), T.AWARD),
    (re.compile(r"(?:^|\n)[一二三四五六七八九十]+、\s*合同(?:主要信息|编号|名称)"), T.CONTRACT),
    (re.compile(r"(?:^|\n)[一二三四五六七八九十]+、\s*(?:领取资格预审文件|资格预审申请文件)"), T.PREQUALIFICATION),
    (re.compile(r"(?:^|\n)[一二三四五六七八九十]+、\s*(?:提交投标文件截止时间|响应文件提交|获取(?:招标|采购)文件)"),
     T.TENDER),
    (re.compile(r"项目的潜在(?:投标人|供应商)应在"), T.TENDER),
)
_URL_FOLDERS = {
    "gkzb": T.TENDER, "yqzb": T.TENDER, "jzxtp": T.TENDER, "jzxcs": T.TENDER, "xjgg": T.TENDER,
    "dylygg": T.OTHER, "zbgg": T.AWARD, "cjgg": T.AWARD, "zzgg": T.TERMINATION, "gzgg": T.AMENDMENT,
    "fbgg": T.TERMINATION, "fblbgg": T.TERMINATION, "zgysgg": T.PREQUALIFICATION, "htgg": T.CONTRACT,
    "qtgg": T.OTHER,
}  # fmt: skip
_URL_FOLDER = re.compile(r"/cggg/(?:zygg|dfgg)/+([a-z]+)/")

M = ProcurementMethod
_METHODS: tuple[tuple[str, ProcurementMethod], ...] = (
    ("公开招标", M.OPEN), ("邀请招标", M.INVITED), ("竞争性谈判", M.COMPETITIVE_NEGOTIATION),
    ("竞争性磋商", M.COMPETITIVE_CONSULTATION), ("询价", M.INQUIRY), ("单一来源", M.SINGLE_SOURCE),
    ("框架协议", M.FRAMEWORK), ("电子卖场", M.OTHER), ("网上竞价", M.OTHER), ("反向竞价", M.OTHER),
    ("竞价", M.OTHER), ("协议供货", M.OTHER), ("定点采购", M.OTHER), ("批量集中采购", M.OTHER),
    ("比选", M.OTHER), ("遴选", M.OTHER), ("院内招标", M.OTHER), ("自行采购", M.OTHER), ("合作创新", M.OTHER),
    ("议标", M.OTHER), ("磋商", M.COMPETITIVE_CONSULTATION), ("谈判", M.COMPETITIVE_NEGOTIATION),
)  # fmt: skip
_BODY_METHOD = re.compile(r"(?:进行了?|采用|组织了?)(?:国内)?(公开招标|邀请招标|竞争性谈判|竞争性磋商|询价|单一来源)")
# Unambiguous method names anywhere in the opening of the text (询价/谈判 alone are too common).
# "五、评审专家(单一来源采购人员)名单" is a heading of every result notice, not a method.
_STRICT_METHOD = re.compile(r"公开招标|邀请招标|竞争性谈判|竞争性磋商|单一来源(?!采购人员)|框架协议|网上竞价")
_HINT_TYPES = {
    "采购意向": T.INTENTION, "资格预审": T.PREQUALIFICATION, "更正": T.AMENDMENT, "变更": T.AMENDMENT,
    "澄清": T.AMENDMENT, "终止": T.TERMINATION, "废标": T.TERMINATION, "流标": T.TERMINATION,
    "中标": T.AWARD, "成交": T.AWARD, "结果": T.AWARD, "合同": T.CONTRACT, "招标": T.TENDER,
    "采购公告": T.TENDER, "谈判": T.TENDER, "磋商": T.TENDER, "询价": T.TENDER, "单一来源": T.OTHER,
}  # fmt: skip


def type_from_title(title: str | None) -> NoticeType | None:
    """The notice type named last in the title (longest keyword, then §5 priority, on a tie)."""
    if not title:
        return None
    best: tuple[int, int, int] | None = None
    best_type: NoticeType | None = None
    for start in range(len(title)):
        match = _TITLE_REGEX.match(title, start)
        if match is None:
            continue
        kind = _KEYWORD_TYPE[match.group(0)]
        score = (match.end(), len(match.group(0)), -_PRIORITY[kind])
        if best is None or score > best:
            best, best_type = score, kind
    return best_type


def type_from_body(text: str) -> NoticeType | None:
    """The type implied by the 2020-format section headings (二、更正信息 → amendment …)."""
    for pattern, kind in _BODY_HEADINGS:
        if pattern.search(text[:20000]):
            return kind
    return None


def type_from_url(url: str) -> NoticeType | None:
    """The type of a ccgp.gov.cn URL folder (/cggg/dfgg/gkzb/… → tender)."""
    match = _URL_FOLDER.search(url or "")
    return _URL_FOLDERS.get(match.group(1)) if match else None


def type_from_hint(hint: str | None) -> NoticeType | None:
    """The type of a source-provided label (中标公告, 更正公告 …)."""
    if not hint:
        return None
    by_title = type_from_title(hint)
    if by_title is not None:
        return by_title
    for word, kind in _HINT_TYPES.items():
        if word in hint:
            return kind
    return None


def notice_type(title: str | None, text: str, url: str = "", hints: Mapping[str, str] | None = None) -> NoticeType:
    """The notice type from title, body headings, URL folder, hint and body phrases, in that order."""
    hint = (hints or {}).get("notice_type_hint")
    return (mixed_projects(title, text) or type_from_title(title) or type_from_body(text) or type_from_url(url)
            or type_from_hint(hint) or type_from_phrases(text) or tender_by_wording(text) or T.OTHER)


_CALL_METHOD = re.compile(r"(?:采购方式|招标方式)[:|]\s*\|?\s*(?:公开招标|邀请招标|竞争性谈判|竞争性磋商|询价)")
_CALL_BUDGET = re.compile(r"(?:预算金额|采购预算|项目预算)[^\n]{0,8}?\d")


def tender_by_wording(text: str) -> NoticeType | None:
    """Older pages without a typed title: a bid deadline, or a tender method with a budget, means a tender."""
    head = text[:20000]
    if re.search(r"(?:投标|响应文件|递交|提交|报价)[^\n]{0,8}截止|截标|开标时间", head):
        return T.TENDER
    if _CALL_METHOD.search(head) and _CALL_BUDGET.search(head):
        return T.TENDER  # 宁夏 2024 re-post: 采购方式: | 公开招标 | 预算金额 | 3950000.00, nothing else typed
    return None


# Sentences of the 2020 templates (财办库〔2020〕50号) and their older forms that say what a notice
# is when its title does not: "现将…采购意向公开如下", "潜在投标人应在…获取招标文件", "更正事项" …
# The earliest phrase in the opening of the text decides: a tender's rules later mention 废标 and
# 中标供应商, a result notice quotes the original 招标公告.
_PHRASES: tuple[tuple[re.Pattern[str], NoticeType], ...] = (
    (re.compile(r"采购意向公开如下|采购意向(?:公开|公告)如下|(?:将|对)[^。\n]{0,60}采购意向(?:予以)?公开"),
     T.INTENTION),
    (re.compile(r"更正事项|更正内容|变更内容|变更事项|原公告|现(?:变更|更正|调整)为|澄清(?:内容|事项)|延期至|"
                r"补充(?:内容|事项)|(?:更正|变更|澄清)如下|原定于[^。\n]{0,60}(?:开标|截止|递交)|(?:开标|截止时间)[^。\n]{0,6}延期"),
     T.AMENDMENT),
    (re.compile(r"项目终止|终止(?:本次)?(?:采购|招标)|(?:予以|作|做|宣布|本项目|本次采购|本次招标|采购)废标|"
                r"(?:项目|本次采购|本次招标|采购)流标|终止原因|废标(?:理由|原因)|采购活动终止|(?:决定|现)终止|"
                r"(?:项目|采购)(?:失败|取消)|(?:有效)?(?:投标人|供应商)不足三家[^。\n]{0,20}"
                r"(?:废标|终止|流标)"), T.TERMINATION),
    # "…中标或者成交结果使自己的权益受到损害" is the complaint boilerplate of every tender, not a result.
    (re.compile(r"(?<![或、])中标(?:\(成交\))?结果(?!使)|(?<![或、])成交结果(?!使)|(?:投标|评标|评审)结果(?:为|如下)|"
                r"以[^。\n]{0,12}(?:最高分|价格)?中标|中标(?:\(成交\))?供应商(?:名称)?[:|]|成交供应商(?:名称)?[:|]|"
                r"中标(?:\(成交\))?金额[:|(]|成交金额[:|(]|中标人(?:名称)?[:|]|"
                # Result pages without a heading: "现将中标信息公告如下" (ccgp-hunan 2018), "六、中标情况:"
                # (Weifang 2017), "三、采购结果 … 中标(成交)金额" as a table header (ccgp-shandong 2026).
                r"现将(?:中标|成交)(?:\(成交\))?(?:信息|结果)(?:公告|公示)如下|[一二三四五六七八九十]+、\s*中标情况|"
                r"[一二三四五六七八九十]+、\s*采购结果\s|中标\(成交\)金额|拟中标(?:单位|人|供应商)(?!将)|"
                # "确定山东某有限公司为中标供应商", "确定成交供应商为…公司,成交价为12万元": an organisation named
                # as the winner (the tender rule "确定排名第一的中标候选人为中标人" names none).
                r"确定[^。\n,]{2,40}?(?:公司|中心|厂|院|所|社|部|行)为(?:本项目的?)?(?:中标|成交)(?:供应商|人|单位)|"
                r"确定(?:中标|成交)(?:供应商|人|单位)为[^。\n,]{2,40}?(?:公司|中心|厂|院|所|社|部|行)"),
     T.AWARD),
    (re.compile(r"合同公告|合同公示|合同(?:主体|签订日期|金额[:|])|(?:^|\n)\S{0,3}合同编号[:|]|采购人\(甲方\)|"
                r"供应商\(乙方\)"), T.CONTRACT),
    (re.compile(r"潜在(?:投标人|供应商)[^。\n]{0,40}获取|(?:递交|提交)(?:投标|响应)文件|特邀请[^。\n]{0,60}参加|"
                r"欢迎[^。\n]{0,30}(?:供应商|投标人)[^。\n]{0,10}(?:参加|投标|报名)|投标截止时间|获取(?:招标|采购|磋商|谈判|询价)文件|"
                r"(?:进行|组织)(?:公开招标|邀请招标|竞争性谈判|竞争性磋商|询价)(?:采购)?[,。:;]|"
                r"欢迎[^。\n]{0,30}(?:供应商|投标人)[^。\n]{0,10}参与|(?:发售|领取|购买)(?:招标|采购)文件|投标邀请|"
                r"发布招标公告|决定[^。\n]{0,30}(?:公开)?招标|现将招标[^。\n]{0,6}事项|"
                # Section 一 of the 2020 call-for-bids templates (合同履行期限, 最高限价) and the old 采购邀请.
                r"合同履行期限|最高限价[:|(]|采购邀请|公开比选|申请人的资格要求|(?:投标人|供应商)(?:的)?资格要求|"
                r"报名(?:时间|截止|方式)|(?:磋商|谈判|询价|响应|竞价)文件(?:的)?(?:获取|领取|发售|递交|提交)|"
                r"欢迎[^。\n]{0,30}(?:单位|厂商|企业|公司)[^。\n]{0,10}(?:参加|参与|报名|投标)|"
                r"(?:递交|提交|送达)[^。\n]{0,6}(?:比选|报价|响应|投标|磋商|谈判)文件"),
     T.TENDER),
)


_FOLLOW_UPS = (T.AMENDMENT, T.TERMINATION, T.AWARD)
# How far the opening reaches: an amendment or result says so in its first sentences, before it
# quotes the tender it follows ("…进行公开招标。…原定于2021年11月2日开标…").
_OPENING = 400


def follow_up_phrase(text: str) -> NoticeType | None:
    """An amendment, termination or award phrase anywhere in the first pages (by §5 priority), else None.

    Used when the title is a bare template word (``招标公告`` above "…开标延期的公告").
    """
    head = text[:6000]
    found = [kind for pattern, kind in _PHRASES if kind in _FOLLOW_UPS and pattern.search(head)]
    return min(found, key=_FOLLOW_UPS.index) if found else None


def type_from_phrases(text: str) -> NoticeType | None:
    """The type named by the telling sentences of the body (see ``_PHRASES``).

    A follow-up phrase (amendment > termination > award, §5 priority) in the opening wins; otherwise
    the earliest phrase in the first pages decides.
    """
    head = text[:6000]
    found: dict[NoticeType, int] = {}
    for pattern, kind in _PHRASES:
        match = pattern.search(head)
        if match is not None:
            found[kind] = match.start()
    for kind in _FOLLOW_UPS:
        if found.get(kind, _OPENING) < _OPENING:
            return kind
    return min(found, key=found.__getitem__) if found else None


# Titles that name no project: the first heading of a template or a bare type word.
_GENERIC_TITLE = re.compile(
    r"^(?:项目概况|项目基本情况|公告|公示|通知|招标公告|采购公告|公开招标公告|中标公告|成交公告|结果公告|中标结果公告|"
    r"中标\(成交\)结果公告|更正公告|变更公告|终止公告|废标公告|采购意向|采购意向公开|政府采购意向公告|询价公告|"
    r"竞争性磋商公告|竞争性谈判公告|招标公告正文|公告详情|公告内容|正文|详情|[一二三四五六七八九十]+、.{0,8})$"
)


def generic_title(title: str) -> bool:
    """True for a title that names no project (``项目概况``, ``招标公告``)."""
    return bool(_GENERIC_TITLE.match(title.strip()))


_CODE_VALUES = re.compile(r"(?:项目编号|采购项目编号|招标编号|采购编号)[::|]\s*([A-Za-z0-9][A-Za-z0-9\-_/()\[\]]{3,})")
_NAME_VALUES = re.compile(r"(?:^|\n)\S{0,4}项目名称[::|]\s*([^\n|]{4,60})")
_BUDGET_VALUES = re.compile(r"(?:预算金额|采购预算|项目预算)[^:\n|]{0,6}[::|]\s*([^\n|]{1,30})")


# News reports open like news ("近日,…", "据了解", "本报讯"), never like a template notice.
_NEWS_OPENING = re.compile(
    r"^\s*(?:[\u4e00-\u9fff]{2,8}?(?:近日|近期|日前)|近日|日前|近期|据悉|据了解|本报讯|记者|\d{1,2}月\d{1,2}日[,,]记者)",
    re.MULTILINE)
_TEMPLATE_WORDS = re.compile(r"项目编号|采购项目编号|项目基本情况|采购人信息|招标编号")


def news_report(text: str) -> bool:
    """True for a news article about procurement (``other``: no budget or deadline of its own)."""
    # The opening line, or the one after a re-post's date/view-count line.
    return bool(_NEWS_OPENING.search(text[:160])) and not _TEMPLATE_WORDS.search(text[:3000])


# Land and mining rights are sold (出让) by 国土资源 bureaus through 挂牌/拍卖/招标: their "结果公告" is a
# sale, not a procurement result (靖西县国土资源局国有建设用地使用权挂牌出让结果公告, 2009).
_RIGHTS_SALE = re.compile(r"(?:土地|用地|采矿权|探矿权|海域)使用?权?[^\n。]{0,12}(?:挂牌|拍卖|招标|协议)?出让|"
                          r"(?:挂牌|拍卖)出让")


def rights_sale(title: str | None, text: str) -> NoticeType | None:
    """``other`` for the sale of land or mining rights (挂牌出让): no procurement, whatever its title says."""
    return T.OTHER if _RIGHTS_SALE.search(title or "") or _RIGHTS_SALE.search(text[:300]) else None


def mixed_projects(title: str | None, text: str) -> NoticeType | None:
    """``other`` for a page that reports several projects (a news article quoting three tenders).

    Such a page has several distinct 项目编号 and 项目名称 each with its own 预算金额; alerting it as
    one tender mixes one project's budget with another's deadline. Intention lists (one buyer's
    year plan) are one notice.
    """
    if news_report(text) and type_from_title(title) is None:
        return T.OTHER
    if "采购意向" in (title or "") or "采购意向" in text[:800]:
        return None
    codes = set(_CODE_VALUES.findall(text[:20000]))
    names = {name.strip() for name in _NAME_VALUES.findall(text[:20000])}
    budgets = set(_BUDGET_VALUES.findall(text[:20000]))
    if len(codes) >= 2 and len(names) >= 2 and len(budgets) >= 2:
        return T.OTHER
    return None


_METHOD_REGEX = re.compile("|".join(re.escape(word) for word, _ in sorted(_METHODS, key=lambda kv: -len(kv[0]))))
_METHOD_OF = dict(_METHODS)


def method_from_text(value: str | None, *, last: bool = False) -> ProcurementMethod | None:
    """The procurement method named first (or last: 公开招标转竞争性谈判) in a value or a title."""
    if not value:
        return None
    words = _METHOD_REGEX.findall(value)
    if not words:
        return None
    return _METHOD_OF[words[-1] if last else words[0]]


def procurement_method(
    method_text: str | None, title: str | None, text: str, notice: NoticeType | None = None
) -> ProcurementMethod | None:
    """采购方式:/招标方式: first, then the opening sentence (进行公开招标), then the title keywords."""
    found = method_from_text(method_text)
    if found is not None:
        return found
    sentence = _BODY_METHOD.search(text[:3000])
    if sentence is not None:
        return method_from_text(sentence.group(1))
    found = method_from_text(title, last=True)
    if found is not None:
        return found
    strict = _STRICT_METHOD.search(text[:3000])
    if strict is not None:
        return method_from_text(strict.group(0))
    if "招标项目的潜在投标人" in text[:3000]:
        return M.OPEN
    if notice is NoticeType.TENDER and re.search(r"公开招标|招标文件|投标人", text[:20000]):
        # Older tender pages never say 采购方式; 招标文件/投标人 wording is the 公开招标 procedure.
        return M.OPEN
    return None


def categories(taxonomy: Taxonomy, title: str | None, subject: str, buyer: str | None) -> CategoryDecision:
    """Categories from the taxonomy: title first, then the procurement subject, with the buyer as hint."""
    return taxonomy.classify(title or "", subject=subject, buyer=buyer or "")
