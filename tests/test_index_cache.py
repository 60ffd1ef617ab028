"""The compiled subscription index survives a restart through its cache, and never stands for other subscriptions."""

from __future__ import annotations

import asyncio
import gc
import pickle
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tenderbot.index_cache import FILE_NAME, IndexCache
from tenderbot.models import Subscription
from tenderbot.store.repos import Store
from tenderbot.subscriptions import CompiledSubscriptions, SubscriptionIndex
from tests.delivery.support import tender

NOW = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)
LC = tender("lc", title="某医院液相色谱仪采购")
MS = tender("ms", title="某大学质谱仪采购")


def _synonyms(term: str) -> list[str]:
    return ["液相色谱仪", "hplc"] if term == "液相色谱仪" else []


def _matched(index: SubscriptionIndex, notice: object) -> set[int]:
    return {m.subscription.id for m in index.match(notice)}  # type: ignore[arg-type]


async def _compiles(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = SubscriptionIndex.compile

    def counting(self: SubscriptionIndex, subscriptions: list[Subscription]) -> CompiledSubscriptions:
        calls.append(1)
        return original(self, subscriptions)

    monkeypatch.setattr(SubscriptionIndex, "compile", counting)
    return calls


async def test_a_restart_loads_the_index_instead_of_compiling(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await store.chats.ensure(1, NOW)
    lc = await store.chats.add_subscription(1, "~液相色谱仪", NOW)
    await store.chats.add_subscription(1, "质谱 -维修", NOW)
    compiles = await _compiles(monkeypatch)
    first = SubscriptionIndex(store.chats, _synonyms, cache=IndexCache(tmp_path), cache_salt="t1")
    await first.refresh()
    assert len(compiles) == 1 and (tmp_path / FILE_NAME).exists()
    restarted = SubscriptionIndex(store.chats, _synonyms, cache=IndexCache(tmp_path), cache_salt="t1")
    await restarted.refresh()
    assert len(compiles) == 1  # loaded, not compiled
    assert _matched(restarted, LC) == {lc.id} and len(_matched(restarted, MS)) == 1
    hplc = tender("hplc", title="某中心HPLC采购")
    assert _matched(restarted, hplc) == {lc.id}  # the widened term came through the cache
    # The synonym source is bound again, so a new ~ term still widens.
    await store.chats.ensure(2, NOW)
    await store.chats.add_subscription(2, "~液相色谱仪", NOW)
    restarted.invalidate()
    await restarted.refresh()
    assert len(_matched(restarted, hplc)) == 2


async def test_an_edited_query_or_another_taxonomy_compiles_afresh(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await store.chats.ensure(1, NOW)
    sub = await store.chats.add_subscription(1, "液相色谱", NOW)
    compiles = await _compiles(monkeypatch)
    await SubscriptionIndex(store.chats, cache=IndexCache(tmp_path)).refresh()
    # An edit in place keeps the row count and the highest id: only the content says it changed.
    assert await store.chats.update_subscription(1, sub.id, query="质谱")
    edited = SubscriptionIndex(store.chats, cache=IndexCache(tmp_path))
    await edited.refresh()
    assert len(compiles) == 2
    assert _matched(edited, MS) == {sub.id} and _matched(edited, LC) == set()
    other_taxonomy = SubscriptionIndex(store.chats, cache=IndexCache(tmp_path), cache_salt="another")
    await other_taxonomy.refresh()
    assert len(compiles) == 3


async def test_a_damaged_cache_file_is_ignored(store: Store, tmp_path: Path) -> None:
    await store.chats.ensure(1, NOW)
    sub = await store.chats.add_subscription(1, "液相色谱", NOW)
    await SubscriptionIndex(store.chats, cache=IndexCache(tmp_path)).refresh()
    path = tmp_path / FILE_NAME
    key, _, _ = path.read_bytes().partition(b"\n")
    path.write_bytes(key + b"\nnot a pickle")
    index = SubscriptionIndex(store.chats, cache=IndexCache(tmp_path))
    await index.refresh()
    assert _matched(index, LC) == {sub.id}


async def test_a_subscription_saved_during_a_rebuild_is_not_lost(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await store.chats.ensure(1, NOW)
    await store.chats.add_subscription(1, "液相色谱", NOW)
    index = SubscriptionIndex(store.chats)
    started, release = asyncio.Event(), asyncio.Event()
    original = SubscriptionIndex._rebuild

    async def slow(self: SubscriptionIndex, version: tuple[str, int]) -> CompiledSubscriptions:
        started.set()
        await release.wait()
        return await original(self, version)

    monkeypatch.setattr(SubscriptionIndex, "_rebuild", slow)
    refreshing = asyncio.create_task(index.refresh())
    await started.wait()
    added = await store.chats.add_subscription(1, "质谱", NOW)  # the bot saves one meanwhile
    index.put(added)
    release.set()
    await refreshing
    assert _matched(index, MS) == {added.id}


def test_load_leaves_a_disabled_collector_disabled(tmp_path: Path) -> None:
    cache = IndexCache(tmp_path)
    cache.path.write_bytes(b"key\n" + pickle.dumps(None))
    gc.disable()
    try:
        assert cache.load("key") is None
        assert not gc.isenabled()
    finally:
        gc.enable()
