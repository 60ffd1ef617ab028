"""Search results as CSV, Excel or JSON rows: one row per notice, budget in yuan, times in Beijing time."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any

from tenderbot.notify.render import budget_of
from tenderbot.services.search import Hit

COLUMNS = (
    "title",
    "notice_type",
    "budget_yuan",
    "deadline",
    "buyer",
    "province",
    "city",
    "url",
    "published_at",
    "procurement_method",
    "project_code",
    "source",
)
# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection): portal text
# is not ours to execute, so such cells get a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _time(value: datetime | None, tz: tzinfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else ""


def export_row(hit: Hit, tz: tzinfo) -> dict[str, str]:
    """One notice as the export's columns (all text; empty when unknown)."""
    notice = hit.stored.notice
    budget = budget_of(notice)
    region = notice.region
    return {
        "title": notice.title or "",
        "notice_type": notice.notice_type.value,
        "budget_yuan": str(budget.amount) if budget else "",
        "deadline": _time(notice.tender_deadline, tz),
        "buyer": (notice.buyer.name or "") if notice.buyer else "",
        "province": (region.province or "") if region else "",
        "city": (region.city or "") if region else "",
        "url": notice.url,
        "published_at": _time(notice.published_at, tz),
        "procurement_method": notice.procurement_method.value if notice.procurement_method else "",
        "project_code": notice.project_code or "",
        "source": notice.source,
    }


def _safe_cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def to_csv(hits: Sequence[Hit], tz: tzinfo) -> bytes:
    """UTF-8 CSV with a byte-order mark, so Excel in China opens it as UTF-8 rather than GBK."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for hit in hits:
        writer.writerow({k: _safe_cell(v) for k, v in export_row(hit, tz).items()})
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(hits: Sequence[Hit], tz: tzinfo) -> bytes:
    """An Excel workbook: one sheet, a header row, budget as a number in yuan."""
    from openpyxl import Workbook  # imported here: only exports need it

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "notices"
    sheet.append(list(COLUMNS))
    for hit in hits:
        row = export_row(hit, tz)
        cells: list[Any] = []
        for column in COLUMNS:
            value = row[column]
            if column == "budget_yuan" and value:
                amount = Decimal(value)
                cells.append(int(amount) if amount == amount.to_integral_value() else float(amount))
            else:
                cells.append(_safe_cell(value))
        sheet.append(cells)
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGH", (60, 12, 14, 17, 30, 8, 10, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def to_json(hits: Sequence[Hit], tz: tzinfo) -> bytes:
    """A JSON array of rows (with the terms that matched)."""
    rows = [{**export_row(hit, tz), "matched": list(hit.terms)} for hit in hits]
    return (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# Each export format: the function writing it and its media type (the web route and the CLI twin share it).
EXPORTS: dict[str, tuple[Callable[[Sequence[Hit], tzinfo], bytes], str]] = {
    "csv": (to_csv, "text/csv; charset=utf-8"),
    "xlsx": (to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "json": (to_json, "application/json"),
}
