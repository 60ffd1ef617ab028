"""Budget and maximum price: 政采云 cells, labels and tables, the summary table, source hints."""

from __future__ import annotations

from tenderbot.extract import parties
from tenderbot.extract.pick import Context
from tenderbot.extract.zcy import code_money, hint_money
from tenderbot.models import Money


def budget(ctx: Context) -> Money | None:
    """The project budget (yuan)."""
    return ctx.trace.first("budget", (
        ("zcy:code-budgetPrice", lambda: code_money(ctx.codes.get("code-budgetPrice"))),
        ("text", lambda: ctx.fields.budget),
        ("summary:预算金额", lambda: parties.loose_money(ctx.summary.get("预算金额"))),
        ("hint:budget_yuan", lambda: hint_money(ctx.hints.get("budget_yuan"))),
    ))


def max_price(ctx: Context) -> Money | None:
    """最高限价 (yuan)."""
    return ctx.trace.first("max_price", (
        ("zcy:code-priceCeiling", lambda: code_money(ctx.codes.get("code-priceCeiling"))),
        ("text", lambda: ctx.fields.max_price),
    ))
