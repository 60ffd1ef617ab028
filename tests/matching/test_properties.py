"""Property tests: the parser never fails unexpectedly, canonical() round-trips, engine == naive loop."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenderbot.errors import QueryError
from tenderbot.matching.engine import Matcher
from tenderbot.matching.query import Query, parse_query
from tenderbot.models import Category, Lot, Money, Notice, NoticeType, Party, Region
from tests.matching.reference import naive_match

SPECIAL = list('"“”「」＂:：+-!！~～ 　,，、;|/\n\t预算地区类型类别万亿元<>=≥以上下江苏浙招标更正仪器医疗')
WORDS = [
    "ct", "CT", "ＣＴ", "色谱", "色譜", "液相色谱", "仪", "維修", "维修",
    "pcr", "GC", "质谱", "彩超", "超声", "mass spec",
]
FILTERS = [
    "预算:50万-500万", "预算:-100万", "budget:>=20万", "地区:江苏,浙江", "地區：江蘇", "region:shandong",
    "类型:招标,更正", "type:award", "类别:仪器", "cat:medical", "类别:仪器|医疗",
]
GLUE = ["", " ", "GD", "2024", "排", "-", "/", "机", "\n", "採購", "项目", "a", "9"]


def synonyms(term: str) -> Iterable[str]:
    """A fixed small synonym table, including a short Latin synonym and a Traditional one."""
    return {"色谱": ["GC", "層析"], "彩超": ["超声", "CDFI"], "维修": ["维保"]}.get(term, [])


@st.composite
def query_texts(draw: st.DrawFn) -> str:
    """Query strings built from real syntax pieces, mostly valid."""
    parts = []
    for _ in range(draw(st.integers(1, 6))):
        word = draw(st.sampled_from(WORDS))
        prefix = draw(st.sampled_from(["", "", "+", "-", "!", "~", "+~", "-~"]))
        if " " in word or (draw(st.booleans()) and draw(st.booleans())):
            opening, closing = draw(st.sampled_from([('"', '"'), ("“", "”"), ("「", "」")]))
            word = f"{opening}{word}{closing}"
        parts.append(prefix + word)
    parts += draw(st.lists(st.sampled_from(FILTERS), max_size=3, unique=True))
    return " ".join(draw(st.permutations(parts)))


@given(st.text(max_size=80) | st.text(alphabet=st.sampled_from(SPECIAL) | st.characters(), max_size=60))
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_any_text_parses_or_raises_query_error(text: str) -> None:
    try:
        query = parse_query(text)
    except QueryError as error:
        assert str(error)
        return
    assert isinstance(query, Query)
    assert parse_query(query.canonical()) == query


@given(query_texts())
@settings(max_examples=300)
def test_canonical_parses_back_equal(text: str) -> None:
    try:
        query = parse_query(text)
    except QueryError:
        return
    canonical = query.canonical()
    assert parse_query(canonical) == query
    assert parse_query(canonical).canonical() == canonical


@st.composite
def notices(draw: st.DrawFn) -> Notice:
    """Small notices made of the query vocabulary glued with digits, letters and CJK."""
    pieces = draw(st.lists(st.sampled_from(WORDS) | st.sampled_from(GLUE) | st.sampled_from(["GC", "层析", "维保"]),
                           max_size=12))
    lot_names = draw(st.lists(st.sampled_from(WORDS + GLUE), max_size=2))
    lot_budgets = draw(st.lists(st.none() | st.integers(0, 9_000_000), min_size=len(lot_names),
                                max_size=len(lot_names)))
    budget = draw(st.none() | st.integers(0, 9_000_000))
    return Notice(
        title="".join(pieces[: len(pieces) // 2]),
        text="".join(pieces[len(pieces) // 2 :]),
        lots=tuple(
            Lot(name=name, budget=Money(Decimal(amount)) if amount is not None else None)
            for name, amount in zip(lot_names, lot_budgets, strict=True)
        ),
        buyer=Party(name=draw(st.sampled_from(["", "某医院", "CT中心"]))),
        budget=Money(Decimal(budget)) if budget is not None else None,
        region=Region(province=draw(st.sampled_from([None, "江苏", "浙江", "山东"]))),
        notice_type=draw(st.sampled_from(list(NoticeType))),
        categories=tuple(draw(st.sets(st.sampled_from(list(Category))))),
    )


@given(
    st.lists(query_texts(), min_size=1, max_size=12),
    st.lists(notices(), min_size=1, max_size=6),
    st.sets(st.integers(0, 11), max_size=4),
)
@settings(max_examples=200, deadline=None)
def test_engine_agrees_with_naive_reference(texts: list[str], items: list[Notice], removed: set[int]) -> None:
    queries: dict[int, Query] = {}
    matcher = Matcher(synonyms)
    for subscription_id, text in enumerate(texts):
        try:
            queries[subscription_id] = parse_query(text)
        except QueryError:
            continue
        matcher.add(subscription_id, queries[subscription_id])
    matcher.compile()
    for subscription_id in removed:
        matcher.remove(subscription_id)
        queries.pop(subscription_id, None)
    for item in items:
        expected = []
        for subscription_id, query in sorted(queries.items()):
            fired = naive_match(query, item, synonyms)
            if fired is not None:
                expected.append((subscription_id, fired))
        got = [(result.subscription_id, result.terms) for result in matcher.match(item)]
        assert got == expected
