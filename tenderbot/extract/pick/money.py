"""Budget and maximum price: 政采云 cells, labels and tables, the summary table, source hints."""

from __future__ import annotations

from tenderbot.extract import parties
from tenderbot.extract.pick import Context
from tenderbot.extract.zcy import code_money, hint_money
from tenderbot.models import Money


def budget(ctx: Context) -> Money | None:
    """The project budget (yuan); a page of no notice type gets none from a sentence."""
    found = ctx.trace.first("budget", (
        ("zcy:code-budgetPrice", lambda: code_money(ctx.codes.get("code-budgetPrice"))),
        ("text", lambda: ctx.fields.budget),
        ("summary:预算金额", lambda: parties.loose_money(ctx.summary.get("预算金额"))),
        ("hint:budget_yuan", lambda: hint_money(ctx.hints.get("budget_yuan"))),
    ))
    kind, why = ctx.trace.reasons.get("notice_type"), ctx.trace.reasons.get("budget")
    if found is not None and why is not None and why.rule == "text:prose" and kind is not None \
            and kind.rule == "default:other":
        # A report about procurement ("…发布…招标公告,本次招标预算为861.47万元/年", a news page on cnemc's 2018
        # tender) quotes other notices' budgets: with no label and no notice type, the figure is not this page's.
        ctx.trace.note("budget", "untyped-page:prose-dropped", label=why.label, position=why.position)
        return None
    return found


def max_price(ctx: Context) -> Money | None:
    """最高限价 (yuan)."""
    return ctx.trace.first("max_price", (
        ("zcy:code-priceCeiling", lambda: code_money(ctx.codes.get("code-priceCeiling"))),
        ("text", lambda: ctx.fields.max_price),
    ))
