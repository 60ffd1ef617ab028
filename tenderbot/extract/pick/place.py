"""Region (province and city) and the instrument / medical categories."""

from __future__ import annotations

import re

from tenderbot.extract import classify
from tenderbot.extract.fields import Fields
from tenderbot.extract.pick import Context
from tenderbot.extract.region import detect_region
from tenderbot.extract.taxonomy import CategoryDecision, Taxonomy
from tenderbot.extract.zcy import text_value
from tenderbot.models import NoticeType, Party, Region

_SECTION_TWO = re.compile(r"\n(?:二、|第二部分)")
_MAIN_ITEMS = re.compile(r"主要标的信息")
_EVENT = re.compile(r"招标|中标|成交|开标|采购项目|投标")


def region(ctx: Context, title: str | None, buyer: Party | None, agency: Party | None) -> Region | None:
    """Province and city: 行政区域, hints, district code, host, then the buyer's name and address."""
    found = detect_region(
        region_text=ctx.summary.get("行政区域") or ctx.fields.region_text,
        hints=ctx.hints,
        district_code=text_value(ctx.record.get("districtCode")),
        url=ctx.url,
        buyer_name=buyer.name if buyer else None,
        buyer_address=buyer.address if buyer else None,
        title=title,
        # Last resorts: the agency's address, then the first place the text names.
        extra=((agency.address or "",) if agency else ()) + (ctx.text[:3000],),
    )
    if found is not None:
        ctx.trace.note("region", "region:strongest-evidence")
    return found


def subject(text: str, found: Fields, item_text: str | None) -> str:
    """What is being bought: project name, 品目, lot names, section 一 and 主要标的信息."""
    cut = _SECTION_TWO.search(text)
    head = text[: min(cut.start() if cut else 4000, 4000)]
    parts = [found.project_name or "", item_text or "", *(lot.name or "" for lot in found.lots), head]
    items = _MAIN_ITEMS.search(text)
    if items is not None:
        parts.append(text[items.end() : items.end() + 800])
    return "\n".join(parts)


def categories(ctx: Context, taxonomy: Taxonomy, title: str | None, kind: NoticeType,
               buyer: Party | None) -> CategoryDecision:
    """Categories by the taxonomy; an ``other`` notice (news, supplier notices) by its title alone."""
    if kind is not NoticeType.OTHER:
        about = subject(ctx.text, ctx.fields, ctx.summary.get("品目") or ctx.fields.item_text)
    elif (classify.news_report(ctx.text) or not title) and _EVENT.search(ctx.text[:600]):
        # A report on a tender or an award is categorised by what was bought (corpus README); market
        # commentary that only names devices is not (news004-snippet-05, the Yiwu summary).
        about = ctx.text[:600]
    else:
        about = ""  # supplier notices and the like mention devices without buying them
    # An untitled page is judged by its opening sentence too: "我院决定对医院所需卫生耗材公开招标" is no
    # equipment purchase whatever device words its body holds.
    heading = title or ctx.text.lstrip().split("\n", 1)[0][:120]
    decision = classify.categories(taxonomy, heading, about, buyer.name if buyer else None)
    if decision.categories:
        ctx.trace.note("categories", "taxonomy:" + "、".join(decision.terms[:4]))
    elif decision.excluded_by:
        ctx.trace.note("categories", "taxonomy:excluded-by:" + "、".join(decision.excluded_by[:4]))
    return decision
