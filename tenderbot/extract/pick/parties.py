"""Buyer, agency and the award (winner and amount)."""

from __future__ import annotations

from tenderbot.extract import parties
from tenderbot.extract.pick import Context
from tenderbot.extract.provenance import locate
from tenderbot.models import Award, NoticeType, Party


def buyer(ctx: Context, title: str | None) -> Party | None:
    """采购人 from the contacts block, labels, running text, the title prefix, the signature."""
    text = ctx.text
    hint_rule, hint = next(((rule, value) for rule, value in (
        ("hint:buyer", ctx.hints.get("buyer")),
        ("title-prefix", parties.organisation_prefix(title or "")),
        ("signature", parties.signature(text)),
    ) if value and parties.usable_name(value)), ("", None))
    party, rule = parties.buyer_with_rule(text, ctx.summary, hint)
    if party is not None and party.name:
        rule = hint_rule if rule == "hint" else rule
        ctx.trace.note("buyer", rule, position=locate(text, party.name))
    return party


def agency(ctx: Context) -> Party | None:
    """采购代理机构."""
    party = parties.agency(ctx.text, ctx.summary, ctx.hints.get("agency"))
    if party is not None and party.name:
        ctx.trace.note("agency", "text", position=locate(ctx.text, party.name))
    return party


def award(ctx: Context, kind: NoticeType) -> Award | None:
    """The winner and amount of a result or contract notice (None for other types)."""
    if kind not in (NoticeType.AWARD, NoticeType.CONTRACT):
        return None
    found = parties.award(ctx.text, ctx.tables, ctx.codes, ctx.summary)
    if found is not None:
        ctx.trace.note("award", "text", position=locate(ctx.text, found.supplier))
    return found
