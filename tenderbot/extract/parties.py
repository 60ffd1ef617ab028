"""Buyer (采购人), agency (采购代理机构) and award winner from the contacts block and labels."""

from __future__ import annotations

import re
from collections.abc import Mapping

from tenderbot.extract.labels import clean_cell, find_labelled, first_value
from tenderbot.extract.money import parse_money, unit_from_label
from tenderbot.extract.tables import Table, column, money_cell
from tenderbot.models import Award, Money, Party

PHONE = re.compile(
    r"(?<!\d)(?:0\d{2,3}-?\d{7,8}(?:-\d{1,5})?|\(0\d{2,3}\)\s?\d{7,8}|1[3-9]\d{9}|400-?\d{3}-?\d{4})(?!\d)"
)
# A local number without area code (北京/上海 pages: "吕德华,85953808", "65766188-8013"); only in values
# whose label says they are a phone number.
_LOCAL_PHONE = re.compile(r"(?<![\d-])[2-9]\d{6,7}(?:-\d{1,5})?(?!\d)")
_BUYER_HEADINGS = ("采购人信息", "采购人联系方式", "采购单位信息", "采购单位联系方式", "招标人信息", "招标人联系方式",
                   "采购人(甲方)信息")
_AGENCY_HEADINGS = ("采购代理机构信息", "代理机构联系方式", "采购代理机构联系方式", "招标代理机构信息",
                    "代理机构信息", "集中采购机构信息")
_BLOCK_END = re.compile(
    r"\n(?:\d[.、]\s*)?(?:采购代理机构信息|代理机构联系方式|采购代理机构联系方式|招标代理机构信息|代理机构信息|"
    r"项目联系方式:?\n|采购人信息|采购人联系方式|采购单位信息|招标人信息|集中采购机构信息|[一二三四五六七八九十]+、)"
)
_NAME_LABELS = ("名称", "单位名称", "采购人", "采购人名称", "采购单位", "采购单位名称", "招标人", "招标人名称",
                "代理机构", "代理机构名称", "采购代理机构", "采购代理机构名称", "招标代理机构", "招标代理机构名称")
_ADDRESS_LABELS = ("地址", "联系地址", "单位地址", "采购人地址", "代理机构地址")
_CONTACT_LABELS = ("联系人", "项目联系人", "代理机构联系人", "采购人联系人")
_PHONE_LABELS = ("联系方式", "联系电话", "电话", "项目联系方式", "项目联系电话", "代理机构联系方式", "采购人联系方式")
_BUYER_LABELS = ("采购人", "采购人名称", "采购单位", "采购单位名称", "招标人", "招标人名称", "采购人(甲方)",
                 "采购人单位名称", "建设单位", "招标单位", "业主单位", "项目业主", "采购方", "招标采购单位")
_BUYER_ADDRESS_LABELS = ("采购人地址", "采购单位地址", "招标人地址")
_BUYER_PHONE_LABELS = ("采购人联系方式", "采购单位联系方式", "招标人联系方式", "采购人电话")
_AGENCY_LABELS = ("采购代理机构", "代理机构", "代理机构名称", "采购代理机构名称", "招标代理机构", "招标代理机构名称",
                  "招标代理机构全称", "集中采购机构", "招标代理", "代理机构全称")
_AGENCY_ADDRESS_LABELS = ("代理机构地址", "招标代理机构地址", "采购代理机构地址")
_AGENCY_PHONE_LABELS = ("代理机构联系方式", "招标代理机构联系方式", "代理机构联系人", "采购代理机构联系方式")
_ENTRUSTED = re.compile(
    r"(?:^|\n)(?P<agency>[^,。\n:]{4,40}?|我(?:公司|中心|单位))(?:\([^)]{0,20}\))?受(?P<buyer>[^,。\n:]{3,40}?)(?:\([^)]{0,20}\))?的?委托"
)
_AGENT_ALONE = re.compile(r"^(?P<agency>[^,。\n:]{4,40}?(?:公司|中心|事务所))受委托")
_SUPPLIER_LABELS = ("中标供应商名称", "成交供应商名称", "中标(成交)供应商名称", "中标供应商", "成交供应商", "中标人",
                    "中标人名称", "中标单位", "成交单位", "中标(成交)供应商", "供应商名称", "中标候选人")
_AWARD_AMOUNT_LABELS = ("中标金额", "成交金额", "中标(成交)金额", "中标价", "成交价", "中标价格", "成交价格",
                        "中标总金额", "总中标金额", "总成交金额", "中标(成交)总金额", "合同金额", "中标(成交)价",
                        "中标(成交)价格", "成交(中标)金额", "成交(中标)价", "中标(成交)金额(元)", "中标报价",
                        "成交报价", "成交总价", "中标总价", "合同总金额", "合同价")
# Prose: "中标金额为123.5万元", "成交金额:人民币壹拾贰万元整", "以1234567元的价格成交".
_AWARD_PROSE = re.compile(
    r"(?:中标|成交)(?:\(成交\))?(?:总)?(?:金额|价格?)(?:为|是|:)?\s*(?:人民币)?(?=[¥\d壹贰叁肆伍陆柒捌玖拾佰仟万亿零])")
# "1:供应商名称 广州华银医学检验中心有限公司 ;供应商地址 …" (gdgpo 2020): the label without a colon.
_ORG_END = r"(?:有限责任公司|有限公司|公司|厂|中心|研究院|研究所|经营部|商行)"
_SUPPLIER_LOOSE = re.compile(rf"(?:中标|成交)?供应商名称\s*(?P<name>[^\s;,:|]{{2,40}}?{_ORG_END})(?=\s|;|,|$)")
# "投标结果为:福建省升创建设工程有限公司,以92分最高分中标" (a hospital's own result notice, Fuzhou 2019).
_WINNER_PROSE = re.compile(
    rf"(?:结果为|确定|推荐|由)[:]?\s*(?P<name>[\u4e00-\u9fff()]{{2,40}}?{_ORG_END})[,]?(?:以[^。\n]{{0,20}}?)?"
    r"(?:为)?(?:中标|成交)(?!候选|结果|公告)")
# 中标(成交)金额 may hold a rate ("下浮率5%", "折扣率95%", "费率0.5%") instead of an amount. The 2020
# template's own note "(可填写下浮率、折扣率或费率):" precedes real amounts (ccgp Jinan 2025 sample).
_RATE = re.compile(r"%|百分之|^\s*(?:下浮|折扣|费率|优惠率)")
_TEMPLATE_NOTE = re.compile(r"^\s*\((?:可填写|可填)[^()]{0,24}\)\s*:?\s*")


def _split_contact(value: str) -> tuple[str | None, str | None]:
    """``姜瑶 0531-82169509`` → (姜瑶, 0531-82169509); a bare number gives no contact."""
    phones = PHONE.findall(value) or _LOCAL_PHONE.findall(value)
    phone = phones[0] if phones else None
    # The name comes first (连工0591-88216053, 卢敏、孙翠翠 电话:…); stop at the first digit or contact word.
    head = re.split(r"电话|手机|座机|传真|邮箱|e-?mail|\d", value, maxsplit=1, flags=re.IGNORECASE)[0]
    head = re.sub(r"\s+", " ", head).strip(" :-,、;/(")
    contact = head if head and len(head) <= 20 else None
    return contact, phone


def _block(text: str, headings: tuple[str, ...]) -> str:
    """The contacts sub-block after one of ``headings`` (up to the next block heading)."""
    for heading in headings:
        position = text.find(heading)
        while position >= 0:
            after = position + len(heading)
            # "采购人信息" must be a heading (own line or followed by ':'), not a phrase inside a sentence.
            line_rest = text[after : text.find("\n", after) if "\n" in text[after:] else len(text)]
            if len(line_rest.strip(" :|")) <= 1 or line_rest.lstrip(" :|").startswith(("名称", "单位名称")):
                end = _BLOCK_END.search(text, after + 1)
                stop = end.start() if end else len(text)
                return text[after : min(stop, after + 600)]
            position = text.find(heading, after)
    return ""


def _party_from_block(block: str, name_labels: tuple[str, ...]) -> Party | None:
    """A party from a contacts block (名称:/地址:/联系人:/联系方式:)."""
    if not block:
        return None
    name = first_value(block, name_labels)
    address = first_value(block, _ADDRESS_LABELS)
    contact_found = first_value(block, _CONTACT_LABELS)
    phone_found = first_value(block, _PHONE_LABELS)
    contact = contact_found.value if contact_found else None
    phone = None
    if phone_found:
        extra_contact, phone = _split_contact(phone_found.value)
        contact = contact or extra_contact
    if contact:
        contact_name, contact_phone = _split_contact(contact)
        contact = contact_name
        phone = phone or contact_phone
    if name is None and address is None:
        return None
    return Party(name=_name(name.value) if name else None, address=address.value if address else None,
                 contact=contact, phone=phone)


def _name(value: str) -> str | None:
    """An organisation name without trailing contact details."""
    value = clean_cell(PHONE.split(value)[0])
    value = re.split(r"\s+(?:联系人|地址|电话)", value)[0].strip()
    return value or None


def _merge(primary: Party | None, fallback: Party) -> Party | None:
    """Fill the empty fields of ``primary`` from ``fallback``; None when nothing is known."""
    if primary is None:
        merged = fallback
    else:
        merged = Party(
            name=primary.name or fallback.name,
            address=primary.address or fallback.address,
            contact=primary.contact or fallback.contact,
            phone=primary.phone or fallback.phone,
        )
    return merged if merged.name or merged.address else None


def _labelled_party(text: str, names: tuple[str, ...], addresses: tuple[str, ...],
                    phones: tuple[str, ...], summary: Mapping[str, str], prefix: str) -> Party:
    """A party from labels anywhere in the text and the ccgp summary table."""
    name = first_value(text, names)
    address = first_value(text, addresses)
    phone_found = first_value(text, phones)
    contact, phone = _split_contact(phone_found.value) if phone_found else (None, None)
    if name is not None and (address is None or phone is None):
        # "采购人(甲方):某部地址:解放西街1号 联系方式:131…": the party's own details follow its name.
        window = text[name.start : name.start + 160]
        near_address = first_value(window, ("地址",))
        near_phone = first_value(window, ("联系方式", "联系电话", "电话"))
        address = address or near_address
        if phone is None and near_phone is not None:
            contact, phone = _split_contact(near_phone.value)
    return Party(
        name=_name(name.value) if name else summary.get(f"{prefix}名称") or summary.get(prefix),
        address=address.value if address else summary.get(f"{prefix}地址"),
        contact=contact,
        phone=phone or (_split_contact(summary.get(f"{prefix}联系方式", ""))[1]),
    )


def buyer(text: str, summary: Mapping[str, str], hint: str | None = None) -> Party | None:
    """采购人: the contacts block, then labels, then the summary table, then running text, then the hint."""
    return buyer_with_rule(text, summary, hint)[0]


# Running text that names the buyer (2020 templates and their older forms):
# "采购人为【X】", "X2024年…采购意向公开如下" ("现将X…采购意向公开"), "受X委托".
_BUYER_PROSE = (
    re.compile(r"(?:采购人|采购单位|招标人)(?:为|是)[【\[\"“]?(?P<name>[^】\]\"”,。;\n:]{4,40}?)[】\]\"”]?(?=[,。;\n(]|的|委托)"),
    # "江苏大学因教学科研需要,拟购置如下仪器设备" (a university's own call, bidcenter 2016).
    re.compile(r"(?:^|\n)(?P<name>[^,。;\n:]{2,30}?(?:大学|学院|医院|卫生院|研究所|研究院|中心|学校))"
               r"(?:因|为了?|根据|拟|现)[^。\n]{0,40}(?:需要|需求|购置|采购|招标)"),
    # "韶山干部学院的厨房设施设备采购公开招标采购项目于2021年09月08日结束,现将中标(成交)结果公告如下".
    re.compile(r"(?:^|\n)(?P<name>[^,。;\n:|]{2,30}?(?:大学|学院|医院|卫生院|研究所|研究院|中心|学校|局|委员会))"
               r"的[^,。;\n]{2,60}?项目(?:于|已|现|,)"),
    re.compile(r"现将(?P<name>[^,。;\n:]{2,40}?(?:医院|卫生院|大学|学院|学校|研究所|研究院|中心|局|委员会|政府|站|所|院|馆|处|办公室|公司))"
               r"(?:\d{4}年)?[^,。;\n]{0,30}?采购意向"),
)


def buyer_with_rule(text: str, summary: Mapping[str, str], hint: str | None = None) -> tuple[Party | None, str]:
    """The buyer and the name of the rule that named it (``block``, ``label``, ``prose``, ``entrusted``, ``hint``)."""
    found = _party_from_block(_block(text, _BUYER_HEADINGS), _NAME_LABELS)
    labelled = _labelled_party(text, _BUYER_LABELS, _BUYER_ADDRESS_LABELS, _BUYER_PHONE_LABELS, summary, "采购单位")
    party = _merge(found, labelled)
    rule = "block" if found is not None and found.name else "label"
    if party is None or party.name is None:
        name = None
        for pattern in _BUYER_PROSE:
            prose = pattern.search(text[:3000])
            if prose is not None:
                name, rule = _name(prose.group("name")), "prose"
                break
        if name is None:
            entrusted = _ENTRUSTED.search(text[:400])
            name, rule = (entrusted.group("buyer"), "entrusted") if entrusted else (hint, "hint")
        if name:
            party = _merge(Party(name=name), party or Party())
    if party is not None and party.name:
        party = Party(name=_tidy_name(party.name), address=party.address, contact=party.contact, phone=party.phone)
        if party.name is None and party.address is None:
            party = None
    return party, rule


# The next numbered item of a flattened list ("…委员会办公室 2.2 项目名称…" cut to "… 2.2").
_ITEM_AFTER = re.compile(r"\s+\d{1,2}(?:\.\d{1,2})*[.、]?$")
# "(盖章)", "(甲方)", "(盖章单位)", "(公章)" follow the name in signature and contract blocks.
_SEAL = re.compile(r"\((?:盖章|甲方|乙方|盖章单位|公章|签章|章)\)|(?:盖章|\(章\))$")


def usable_name(name: str) -> bool:
    """False for a masked name or a column label left as the value (``******医院``, ``采购中心名称``)."""
    return _tidy_name(name) is not None


def _tidy_name(name: str) -> str | None:
    """A party name without seal notes, and once when a summary cell repeats it (济南大学,济南大学).

    A masked name (``******医院`` on re-posting sites) names nobody: None.
    """
    if "**" in name or "##" in name or name.endswith(("名称", "单位", "采购人")):
        return None  # masked, or the column's own label left as its value ("采购中心名称")
    name = _SEAL.sub("", name).strip(" ,、;:【】[]")
    name = _ITEM_AFTER.sub("", name)
    parts = [part.strip() for part in re.split(r"[,、;]", name) if part.strip()]
    if len(parts) > 1 and len(set(parts)) == 1:
        return parts[0]
    return name


_PROJECT_CONTACT_LABELS = ("项目联系人", "联系人")
_PROJECT_PHONE_LABELS = ("项目联系电话", "项目联系方式", "联系电话", "电话")


def _project_contact(text: str, skip: tuple[int, int]) -> tuple[str | None, str | None]:
    """项目联系人 / 联系电话 outside the buyer's block (the agency that publishes answers them)."""
    contact = phone = None
    for labels in (_PROJECT_CONTACT_LABELS, _PROJECT_PHONE_LABELS):
        for found in find_labelled(text, labels):
            if skip[0] <= found.start < skip[1] or not clean_cell(found.value):
                continue
            name, number = _split_contact(clean_cell(found.value))
            if labels is _PROJECT_CONTACT_LABELS:
                contact, phone = contact or name, phone or number
            else:
                phone = phone or number
            break
    return contact, phone


def _block_span(text: str, headings: tuple[str, ...]) -> tuple[int, int]:
    """Where the block after one of ``headings`` lies in ``text`` ((0, 0) when absent)."""
    block = _block(text, headings)
    if not block:
        return (0, 0)
    start = text.find(block)
    return (start, start + len(block))


def agency(text: str, summary: Mapping[str, str], hint: str | None = None) -> Party | None:
    """采购代理机构: the contacts block, then labels, then the summary table, then ``X受Y委托``.

    Contact and phone fall back to the 项目联系人/联系电话 outside the buyer's block: on pages the
    agency publishes, the project contact is the agency's.
    """
    party = _agency(text, summary, hint)
    if party is None or (party.contact and party.phone):
        return party
    contact, phone = _project_contact(text, _block_span(text, _BUYER_HEADINGS))
    return Party(name=party.name, address=party.address, contact=party.contact or contact,
                 phone=party.phone or phone)


def _agency(text: str, summary: Mapping[str, str], hint: str | None) -> Party | None:
    """The agency from its block, labels, the summary table and ``X受Y委托``."""
    found = _party_from_block(_block(text, _AGENCY_HEADINGS), _NAME_LABELS)
    labelled = _labelled_party(text, _AGENCY_LABELS, _AGENCY_ADDRESS_LABELS, _AGENCY_PHONE_LABELS, summary,
                               "代理机构")
    party = _merge(found, labelled)
    if party is None or party.name is None:
        entrusted = _ENTRUSTED.search(text[:400]) or _AGENT_ALONE.search(text[:200])
        name = entrusted.group("agency").strip() if entrusted else hint
        if name:
            party = _merge(Party(name=name), party or Party())
    return party


def award(text: str, tables: list[Table], codes: Mapping[str, tuple[str, ...]],
          summary: Mapping[str, str]) -> Award | None:
    """The winner and amount of a result notice: 政采云 cells, the result table, labels, the summary."""
    supplier = (codes.get("code-winningSupplierName") or (None,))[0]
    amount: Money | None = None
    price = (codes.get("code-summaryPrice") or (None,))[0]
    if price:
        value = parse_money(price)
        amount = Money(value) if value is not None and value > 0 else None
    for table in tables:
        if supplier and amount:
            break
        if any(word in cell for cell in table.header for word in ("得分", "排名", "评分")):
            continue  # the evaluation table ranks every bidder; the winner is in the result section
        supplier_col = column(table.header, "供应商名称", "中标供应商", "成交供应商", "中标人", "中标单位")
        amount_col = column(table.header, "中标(成交)金额", "中标金额", "成交金额", "中标价", "成交价", "金额",
                            avoid=("单价",))
        if supplier_col is None:
            continue
        row = table.rows[0]
        if supplier is None and supplier_col < len(row):
            supplier = clean_cell(row[supplier_col]) or None
        if amount is None and amount_col is not None and amount_col < len(row):
            amount = money_cell(row[amount_col], table.header[amount_col]) or loose_money(row[amount_col])
    if supplier is None:
        loose = _SUPPLIER_LOOSE.search(text[:20000]) or _WINNER_PROSE.search(text[:5000])
        supplier = _name(loose.group("name")) if loose else None
    if supplier is None:
        winners = {name for found in find_labelled(text, _SUPPLIER_LABELS) if (name := _name(found.value))}
        if len(winners) > 1:
            # One winner per 包 (济南大学's four lots, four suppliers): no single award to report.
            return None
        found = first_value(text, _SUPPLIER_LABELS)
        supplier = _name(found.value) if found else None
    if amount is None:
        found = first_value(text, _AWARD_AMOUNT_LABELS)
        raw = found.value if found else summary.get("总中标金额") or summary.get("总成交金额") or ""
        raw = _TEMPLATE_NOTE.sub("", raw)
        if not _RATE.search(raw[:16]):
            amount = loose_money(raw, unit_from_label(found.unit) if found and found.unit else None)
    if amount is None:
        prose = _AWARD_PROSE.search(text[:20000])
        if prose is not None and not _RATE.search(text[prose.end() : prose.end() + 16].split("元")[0]):
            amount = loose_money(text[prose.end() : prose.end() + 40])
    if supplier is None and amount is None:
        return None
    return Award(supplier=supplier, amount=amount)


def loose_money(value: str | None, hint: str | None = None) -> Money | None:
    """Money anywhere in a cell such as ``总价形式报价:569800.00(元)``."""
    amount = parse_money(value, unit_hint=hint) if value else None
    return Money(amount) if amount is not None and amount > 0 else None


# Organisation suffixes, strongest first: a title names its buyer before the object
# (青岛大学附属医院医疗设备采购, 广西科技师范学院生物学实验教学中心项目).
_STRONG_ORG = re.compile(
    r"(?:医院|卫生院|大学|学院|学校|研究所|研究院|科学院|公安局|局|委员会|公司|人民政府|集团|保健院|中心|"
    r"(?:检验|检测|监测|计量|质检|卫生监督)所|(?:监测|检测|检验|防疫|血)站|博物馆|图书馆|检察院|法院|办公室|支队|厅)"
)
_TITLE_NOISE = re.compile(r"^(?:\[[^\]]{1,8}\]|\d{4}年(?:度)?)+")


def organisation_prefix(title: str) -> str | None:
    """The buyer named at the start of a title, or None (``宁波市公安局三重四极杆…`` → 宁波市公安局).

    ``X关于…的公告`` names the buyer before 关于 (济南大学关于…); ``关于“Y医院…项目”的…`` names it
    at the start of the quoted project.
    """
    if "关于" in title[:40]:
        before, _, after = title.partition("关于")
        return _prefix(before) or _prefix(after.lstrip("“\"「《"))
    return _prefix(title)


def _prefix(title: str) -> str | None:
    """The organisation a title or project name starts with."""
    head = _TITLE_NOISE.sub("", title.strip())[:40]
    ends = [match.end() for match in _STRONG_ORG.finditer(head)]
    if not ends:
        return None
    strong = [end for end in ends if not head[:end].endswith("中心")]
    end = max(strong) if strong else ends[0]
    name = head[:end]
    # Not a buyer: a sentence (关于…与X公司), a masked name (******医院), an agency (…咨询有限公司).
    if len(name) < 4 or "*" in name or re.search(r"关于|采购|根据|咨询|招标|代理|项目管理", name):
        return None
    return name


_DATE_LINE = re.compile(r"^(?:\d{4}[-年./]\s*\d{1,2}[-月./]\s*\d{1,2}日?|[〇○零一二三四五六七八九]{4}年.{1,6}日)\s*$")
_AGENCY_WORDS = re.compile(r"招标|代理|咨询|项目管理|工程管理|采购中心|交易中心")


def signature(text: str) -> str | None:
    """The organisation that signs the notice: a name line right above the closing date line.

    Hospitals' own notices name the buyer only there ("…择期重新招标。\n深圳市盐田区人民医院\n2023年8月24日");
    agencies sign theirs the same way, so names that read like an agency are not returned.
    """
    lines = [line.strip() for line in text[-1500:].split("\n") if line.strip()]
    for index in range(len(lines) - 1, 0, -1):
        if _DATE_LINE.match(lines[index]):
            name = lines[index - 1]
            if (4 <= len(name) <= 30 and ":" not in name and _STRONG_ORG.search(name)
                    and _STRONG_ORG_END.search(name) and not _AGENCY_WORDS.search(name)):
                return name
            return None
    return None


_STRONG_ORG_END = re.compile(r"(?:医院|卫生院|大学|学院|学校|研究所|研究院|局|委员会|公司|政府|中心|站|所|院)$")
