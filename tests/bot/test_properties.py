"""Properties the examples cannot cover: every guided-flow combination parses back to exactly its choices,
and any exported set of subscriptions imports back unchanged."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tenderbot.bot.transfer import export_document, parse_import
from tenderbot.bot.wizard import BUDGETS, CATEGORIES, REGIONS, TYPES, compose, fresh_payload
from tenderbot.matching.budget import parse_budget
from tenderbot.matching.query import parse_query
from tenderbot.matching.vocab import CATEGORY_NAMES, NOTICE_TYPE_NAMES
from tenderbot.models import Subscription


def subset(options: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    """A subset of options in their display order, as the flow keeps them."""
    return st.sets(st.sampled_from(options)).map(lambda chosen: [o for o in options if o in chosen])


@settings(max_examples=80, deadline=None)
@given(
    cats=subset(CATEGORIES),
    regions=subset(REGIONS),
    types=subset(TYPES),
    budget=st.integers(0, len(BUDGETS) - 1),
    exclude=st.sampled_from(["", "维修", "维修 试剂"]),
)
def test_every_guided_combination_parses_to_its_choices(
    cats: list[str], regions: list[str], types: list[str], budget: int, exclude: str
) -> None:
    payload = dict(fresh_payload(), words="液相色谱", exclude=exclude, cats=cats, regions=regions, types=types,
                   budget=budget)
    query = parse_query(compose(payload))
    assert [term.text for term in query.any_terms] == ["液相色谱"]
    assert [term.text for term in query.none_terms] == exclude.split()
    assert query.categories == {CATEGORY_NAMES[c] for c in cats}
    assert query.regions == set(regions)
    assert query.types == {NOTICE_TYPE_NAMES[k] for k in types}
    low, high = parse_budget(BUDGETS[budget][1]) if BUDGETS[budget][1] else (None, None)
    assert (query.budget_min, query.budget_max) == (low, high)
    assert low is None or isinstance(low, Decimal)
    assert parse_query(query.canonical()) == query


QUERIES = ["液相色谱", "彩超 地区:江苏", '"液相 色谱" -维修 预算:50万-', "+CT 类型:招标,更正 类别:医疗", "质谱 ~HPLC"]
NAMES = st.text(st.characters(codec="utf-8"), max_size=100)
BUYERS = st.lists(st.text(st.characters(codec="utf-8"), min_size=1, max_size=30)
                  .map(str.strip).filter(bool), max_size=3).map(tuple)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(QUERIES), NAMES, st.booleans(), BUYERS), max_size=5,
                unique_by=lambda item: item[0]))
def test_export_then_import_gives_back_the_same_subscriptions(
    items: list[tuple[str, str, bool, tuple[str, ...]]]
) -> None:
    subscriptions = [
        Subscription(id=n, chat_id=1, query=parse_query(q).canonical(), name=name, active=active,
                     excluded_buyers=buyers)
        for n, (q, name, active, buyers) in enumerate(items, start=1)
    ]
    back = parse_import(export_document(subscriptions))
    assert [(b.query, b.name, b.active, b.excluded_buyers) for b in back] == [
        (s.query, s.name, s.active, s.excluded_buyers) for s in subscriptions
    ]
