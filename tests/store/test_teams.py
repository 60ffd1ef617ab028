"""Teams stored as chats of their own (kind "team"), on each backend."""

from __future__ import annotations

from datetime import UTC, datetime

from tenderbot.store.repos import Store
from tenderbot.store.teams import TEAM_ID_BASE, TeamRepo, is_team

NOW = datetime(2026, 12, 1, tzinfo=UTC)
ROBOT = {"kind": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}


async def test_team_lifecycle(store: Store) -> None:
    teams = TeamRepo(store.engine)
    await store.chats.ensure(-1001234567890, NOW, kind="supergroup")  # a Telegram group beside the teams
    first = await teams.create("色谱组", "液相色谱", ROBOT, NOW)
    second = await teams.create("邮件组", "质谱", {"kind": "email", "to": "a@b.example"}, NOW, digest_time="08:30")
    assert first.id == TEAM_ID_BASE + 1 and second.id == TEAM_ID_BASE + 2 and is_team(second.id)
    assert [t.name for t in await teams.all()] == ["色谱组", "邮件组"]
    assert await teams.destination(first.id) == ROBOT
    assert await teams.destination(-1001234567890) is None
    chat = await store.chats.get(second.id)
    assert chat is not None and chat.kind == "team" and chat.digest_time == "08:30" and not chat.instant
    # The matcher sees team subscriptions like any other.
    assert {s.chat_id for s in await store.chats.active_subscriptions()} == {first.id, second.id}
    paused = await teams.set_active(first.id, False)
    assert paused is not None and not paused.active
    assert {s.chat_id for s in await store.chats.active_subscriptions()} == {second.id}
    updated = await teams.update(second.id, name="邮件组2", query="质谱 -维修", destination=ROBOT, digest_time=None)
    assert updated is not None and updated.query == "质谱 -维修"
    assert (await store.chats.get(second.id)).instant  # type: ignore[union-attr]
    assert await teams.delete(first.id) == [first.subscription.id]
    assert await teams.get(first.id) is None and await teams.delete(-1001234567890) == []
    assert await store.chats.get(-1001234567890) is not None
