"""Title, notice type and procurement method."""

from __future__ import annotations

import re

from tenderbot.extract import classify
from tenderbot.extract.pick import Context
from tenderbot.extract.text import normalize
from tenderbot.extract.titles import title_from_about, title_from_overview, title_from_text
from tenderbot.extract.zcy import first_code, text_value
from tenderbot.models import NoticeType, ProcurementMethod

# Search portals highlight the query inside stored titles: "<font color='#CC0000'>河北</font>西柏坡…".
_MARKUP = re.compile(r"<[^<>\n]{1,80}>")


def _clean(title: str | None) -> str | None:
    """A title without markup left in it by the portal that stored it."""
    if title and "<" in title:
        title = _MARKUP.sub("", title).strip() or None
    return title


def early_title(ctx: Context, given: str | None) -> str | None:
    """The title before label extraction: caller, page heading, JSON record, hints, first lines."""
    return _clean(_early_title(ctx, given))


def _early_title(ctx: Context, given: str | None) -> str | None:
    """The first title any source gives."""
    record_title = text_value(ctx.record.get("title"))
    return ctx.trace.first("title", (
        ("caller", lambda: normalize(given) if given else None),
        ("page:heading", lambda: ctx.page.title),
        ("zcy:title", lambda: normalize(record_title) if record_title else None),
        ("hint:title", lambda: ctx.hints.get("title")),
        ("text:first-lines", lambda: title_from_text(ctx.text)),
        ("text:关于…的公告", lambda: title_from_about(ctx.text)),
    ))


def late_title(ctx: Context, title: str | None) -> str | None:
    """The title once labels are read: a missing or generic title falls back to 项目名称."""
    if title and not classify.generic_title(title):
        return title
    name = ctx.fields.project_name
    fallback = ctx.trace.first("title", (
        ("label:项目名称", lambda: name if name and not classify.generic_title(name) else None),
        ("zcy:code-projectName", lambda: first_code(ctx.codes, "code-projectName")),
        ("text:项目概况", lambda: title_from_overview(ctx.text)),
    ))
    if fallback is None and title:
        ctx.trace.note("title", "generic-title-kept")
    return fallback or title


def notice_type(ctx: Context, title: str | None) -> NoticeType:
    """The notice type: title suffix, body headings and phrases, URL folder, source hint."""
    text = ctx.text
    hint = ctx.hints.get("notice_type_hint")
    generic = bool(title) and classify.generic_title(title or "")
    kind = ctx.trace.first("notice_type", (
        ("multi-project", lambda: classify.mixed_projects(title, text)),
        ("body:follow-up-under-generic-title", lambda: classify.follow_up_phrase(text) if generic else None),
        ("title", lambda: classify.type_from_title(title)),
        ("body:heading", lambda: classify.type_from_body(text)),
        ("url:ccgp-folder", lambda: classify.type_from_url(ctx.url)),
        ("hint:type", lambda: classify.type_from_hint(hint)),
        ("body:phrase", lambda: classify.type_from_phrases(text)),
        ("body:deadline-wording", lambda: classify.tender_by_wording(text)),
    ))
    if kind is None:
        ctx.trace.note("notice_type", "default:other")
    return kind or NoticeType.OTHER


def method(ctx: Context, title: str | None, kind: NoticeType) -> ProcurementMethod | None:
    """采购方式."""
    found = ctx.fields.method_text or ctx.hints.get("procurement_method")
    return ctx.trace.first("procurement_method", (
        ("text", lambda: classify.procurement_method(found, title, ctx.text, kind)),
    ))


# A code written into the title: "[GDJYYY2016001]广东省…", "…公告【项目编号:YCRY-HW-1617】",
# "(HNSXSS-2016WJMJQ)的中标、成交公告", "…补充公告-FJLQ20162151" (ccgp list titles, domain.md §7).
_TITLE_CODE = re.compile(
    r"[\[【(]\s*(?:(?:采购)?项目编号[:\s]*)?(?P<code>[A-Za-z0-9][A-Za-z0-9\-_/]{5,40})\s*[\]】)]"
    r"|(?<=公告|公示)-(?P<tail>[A-Za-z]{2,}[A-Za-z0-9\-_]{4,40})$")


def code_in_title(title: str | None) -> str | None:
    """A project code in brackets inside the title (letters and digits, not a year or a lot number)."""
    for match in _TITLE_CODE.finditer(title or ""):
        code = match.group("code") or match.group("tail")
        if re.search(r"\d", code) and re.search(r"[A-Za-z]|\d-\d", code) and not re.fullmatch(r"\d{4}", code):
            return code
    return None


def project_code(ctx: Context, title: str | None = None) -> str | None:
    """项目编号."""
    found = ctx.fields
    return ctx.trace.first("project_code", (
        ("zcy:code-projectCode", lambda: first_code(ctx.codes, "code-projectCode")),
        ("text", lambda: found.project_code),
        ("zcy:projectCode", lambda: text_value(ctx.record.get("projectCode"))),
        ("hint:project_code", lambda: ctx.hints.get("project_code")),
        ("title:bracketed-code", lambda: code_in_title(title)),
        ("text:original-code", lambda: found.original_project_code),
    ))
