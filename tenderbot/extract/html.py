"""HTML → announcement text and page facts (ccgp summary table, 政采云 ``code-*`` cells, attachments).

Uses selectolax (lexbor) because the parse step must stay far under a millisecond per kilobyte.
Block elements become line breaks and every table row becomes one line with its cells joined by
`` | ``, so both key/value tables (``预算金额 | 120万元``) and header-row tables survive as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from tenderbot.extract.bounds import MAX_HTML_DEPTH, cap_html_depth
from tenderbot.extract.text import normalize

# Text beyond this is not scanned: label fields live in the first pages of an announcement.
MAX_TEXT_CHARS = 120_000
# HTML beyond this is not parsed (the same bound as detect.MAX_INPUT_CHARS, which a JSON
# record's ``content`` field does not pass through).
MAX_HTML_CHARS = 1_000_000
# 政采云 pages carry a dozen code cells per 标项; 25,000 of them cost 0.4 s of money parsing.
MAX_CODE_CELLS = 500
# The ccgp 公告概要 table has about six rows of short cells. A mangled page can put the rest of the
# page inside a cell of that table, with nested rows, so each row repeats it (a fuzzed 529 KB page
# spent 26 s normalising its "summary"): read the first rows, short cells, no nested tables.
MAX_SUMMARY_ROWS = 40
# Layout tables nest a few levels (a page inside a cell of a frame table); a fuzzed page with
# hundreds of tables nested in cells spent 1 s re-collapsing the same text at every level.
MAX_ROW_NESTING = 8
MAX_CELL_CHARS = 1_000

_BLOCK = frozenset({
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tbody", "thead",
    "tfoot", "section", "article", "header", "footer", "blockquote", "dd", "dt", "dl", "pre", "form",
    "hr", "address", "center", "caption", "main", "nav", "aside", "figure", "figcaption", "title",
})
_SKIP = frozenset({
    "script", "style", "noscript", "template", "iframe", "svg", "button", "select", "textarea",
    "input", "object", "embed", "canvas", "map", "head", "_comment", "-comment",
})
_CELL = frozenset({"td", "th"})
_WS = re.compile(r"[ \t\n\r\f\v\u00a0\u3000]+")
_BREAK = "\x1e"  # marks a block boundary during the walk (never in pages; kept out of _WS)
_SITE_SUFFIX = re.compile(r"_| \| | - | — ")
_HIDDEN = "[style*='display:none'], [style*='display: none']"
# ccgp: the body div carries random extra classes (``vF_detail_content pzln52gui``); match the
# class prefix. 政采云 bodies (incl. ccgp's zcy-template pages) sit in div#template-center-mark.
_BODY_SELECTORS = (
    "div.vF_detail_content",
    "div.vT_detail_content",
    "div[class^='vF_detail_content']",
    "div[class^='vT_detail_content']",
    "div#template-center-mark",
)
# 政采云 ``code-*`` classes worth reading: they hold the structured values the template was filled with.
ZCY_CODES = frozenset({
    "code-budgetPrice", "code-submitEndDate", "code-bidOpeningTime", "code-projectCode",
    "code-projectName", "code-priceCeiling", "code-winningSupplierName", "code-summaryPrice",
    "code-winningSupplierAddr", "code-sectionNo", "code-purchaserName", "code-agencyName",
})


@dataclass(frozen=True, slots=True)
class PageParts:
    """What the HTML layer found: normalised body text plus structured page facts."""

    text: str
    title: str | None = None
    published: str | None = None
    summary: dict[str, str] = field(default_factory=dict)
    codes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    attachments: tuple[str, ...] = ()
    # Why only the first part of the page was read (too long, nested too deep); None when whole.
    cut: str | None = None


def _squash(text: str) -> str:
    """Collapse runs of whitespace (HTML source formatting) into one space."""
    return _WS.sub(" ", text)


def _row_text(row: LexborNode, rows: int) -> str:
    """One table row as ``cell | cell | …`` (whitespace inside a cell collapsed); ``rows``: enclosing rows."""
    cells: list[str] = []
    child = row.first_child
    while child is not None:
        if child.tag in _CELL:
            buf: list[str] = []
            _render(child, buf, rows + 1)
            cells.append(_squash("".join(buf).replace(_BREAK, " ")).strip())
        child = child.next
    while cells and not cells[-1]:
        cells.pop()
    return " | ".join(cells)


class _Full(Exception):
    """Raised inside the walk once enough text is collected."""


class _Sink(list[str]):
    """The walk's output: a list that stops the walk once it holds ``MAX_TEXT_CHARS`` characters."""

    size = 0

    def append(self, item: str) -> None:
        """Add a piece of text; raise ``_Full`` past the limit."""
        super().append(item)
        self.size += len(item)
        if self.size > MAX_TEXT_CHARS:
            raise _Full


def _render(node: LexborNode, out: list[str], rows: int = 0) -> None:
    """Append the text of ``node``'s children to ``out``, with line breaks at block boundaries.

    ``rows`` counts the table rows around ``node``: past ``MAX_ROW_NESTING`` a row is read as a plain
    block, since each level of rows-in-cells re-collapses the whitespace of everything inside it.
    """
    child = node.first_child
    while child is not None:
        tag = child.tag
        if tag == "-text":
            out.append(child.text_content or "")
        elif tag in _SKIP:
            pass
        elif tag == "tr" and rows < MAX_ROW_NESTING:
            out.append(_BREAK)
            out.append(_row_text(child, rows))
            out.append(_BREAK)
        elif tag in _BLOCK or tag == "tr":
            out.append(_BREAK)
            _render(child, out, rows)
            out.append(_BREAK)
        else:
            _render(child, out, rows)
        child = child.next


def node_text(node: LexborNode) -> str:
    """Plain text of a node: block elements → newlines, table rows → `` | ``-joined lines (raw form)."""
    out = _Sink()
    try:
        _render(node, out)
    except _Full:
        pass  # a runaway page: the first MAX_TEXT_CHARS characters are all we read
    except RecursionError:
        # A pathological page nested thousands deep: fall back to lexbor's own flat text.
        return str(node.text(separator="\n"))
    # Newlines in the HTML source are plain whitespace; only block boundaries break lines.
    return _squash("".join(out)).replace(_BREAK, "\n")


def html_to_text(html: str) -> str:
    """Normalised body text of an HTML page or fragment."""
    return extract_page(html).text


def _find_body(tree: LexborHTMLParser) -> LexborNode | None:
    """The announcement body: ccgp / 政采云 containers, else ``<body>``."""
    for selector in _BODY_SELECTORS:
        found = tree.css_first(selector)
        if found is not None:
            return found
    return tree.body


def _meta(tree: LexborHTMLParser, name: str) -> str | None:
    """The content of ``<meta name=…>`` when present and non-empty."""
    node = tree.css_first(f"meta[name='{name}']")
    if node is None:
        return None
    value = node.attributes.get("content")
    return value.strip() if value and value.strip() else None


def _short_text(node: LexborNode, separator: str = " ") -> str:
    """A node's text, at most ``MAX_CELL_CHARS`` characters (cells, code values, headings are short)."""
    return str(node.text(separator=separator))[:MAX_CELL_CHARS]


def _summary_table(tree: LexborHTMLParser) -> dict[str, str]:
    """ccgp 公告概要 rows as label → value (``行政区域 | 贵州省 | 公告时间 | …`` holds two pairs)."""
    table = tree.css_first("div.vF_detail_header ~ div.table table, div.table table")
    if table is None:
        return {}
    summary: dict[str, str] = {}
    rows = [
        [_squash(_short_text(cell)).strip() for cell in row.css("td, th") if cell.css_first("table") is None]
        for row in table.css("tr")[:MAX_SUMMARY_ROWS]
    ]
    # One normalise call for the whole table (it is the costly step), split back into cells.
    flat = normalize("\n".join("\x1f".join(cells) for cells in rows)).split("\n")
    for line in flat:
        cells = [cell.strip() for cell in line.split("\x1f")]
        for index in range(0, len(cells) - 1, 2):
            label, value = cells[index], cells[index + 1]
            if label and value and label not in summary:
                summary[label] = value
    return summary


def _zcy_codes(scope: LexborNode) -> dict[str, tuple[str, ...]]:
    """Values of the 政采云 ``code-*`` cells, in page order, per class (the first ``MAX_CODE_CELLS``)."""
    found: dict[str, list[str]] = {}
    for count, node in enumerate(scope.css("[class*='code-']")):
        if count >= MAX_CODE_CELLS:
            break
        classes = (node.attributes.get("class") or "").split()
        if not any(name in ZCY_CODES for name in classes):
            continue
        if any(child.css_first("[class*='code-']") is not None for child in node.iter()):
            continue  # a cell holding other cells (mangled nesting): its text is theirs, read them instead
        for name in classes:
            if name in ZCY_CODES:
                value = normalize(_squash(_short_text(node)))
                if value:
                    found.setdefault(name, []).append(value)
    return {name: tuple(values) for name, values in found.items()}


def _attachments(tree: LexborHTMLParser) -> tuple[str, ...]:
    """Attachment links (ccgp / 政采云 ``ul.fjxx``), hrefs in page order without duplicates."""
    links: list[str] = []
    for anchor in tree.css("ul.fjxx a, .fjxx a"):
        href = (anchor.attributes.get("href") or "").strip()
        if href and href not in links:
            links.append(href)
    return tuple(links)


def extract_page(html: str) -> PageParts:
    """Parse an HTML page or fragment into normalised body text and page facts.

    A page longer than ``MAX_HTML_CHARS`` or nested deeper than ``bounds.MAX_HTML_DEPTH`` is read
    from its first part only (``PageParts.cut`` says why), so one page stays well under 0.5 s.
    """
    cuts: list[str] = []
    if len(html) > MAX_HTML_CHARS:
        html = html[:MAX_HTML_CHARS]
        cuts.append(f"longer than {MAX_HTML_CHARS:,} characters")
    html, deep = cap_html_depth(html)
    if deep:
        cuts.append(f"nested deeper than {MAX_HTML_DEPTH:,} elements (inner tags dropped, text kept)")
    tree = LexborHTMLParser(html)
    for hidden in tree.css(_HIDDEN):
        hidden.decompose()
    body = _find_body(tree)
    raw = node_text(body) if body is not None else ""
    if not raw.strip() and tree.root is not None:
        raw = node_text(tree.root)
    if len(raw) > MAX_TEXT_CHARS:
        cuts.append(f"text longer than {MAX_TEXT_CHARS:,} characters")
    text = normalize(raw[:MAX_TEXT_CHARS])
    title = _meta(tree, "ArticleTitle")
    if title is None:
        heading = tree.css_first("div.vF_detail_header h2, h1, title")
        heading_text = _short_text(heading, separator="") if heading is not None else ""
        title = normalize(heading_text) if heading_text.strip() else None
        if title is not None and heading is not None and heading.tag == "title":
            # <title> carries the site name: "某医院CT采购公告_中国政府采购网", "… - 某市公共资源交易中心".
            title = _SITE_SUFFIX.split(title, maxsplit=1)[0].strip() or title
    else:
        title = normalize(title)
    scope = tree.root if tree.root is not None else body
    return PageParts(
        text=text,
        title=title,
        published=_meta(tree, "PubDate"),
        summary=_summary_table(tree),
        codes=_zcy_codes(scope) if scope is not None else {},
        attachments=_attachments(tree),
        cut=", ".join(cuts) or None,
    )
