"""/export → file → /import: a round trip, the difference shown before anything changes, bad files refused."""

from __future__ import annotations

import json

import pytest

from tenderbot.bot.transfer import MAX_FILE_BYTES, ImportProblem, parse_import
from tests.bot.conftest import GROUP, OTHER, USER, Harness


def subs(items: list[object]) -> bytes:
    """An import file holding these items."""
    return json.dumps({"subscriptions": items}, ensure_ascii=False).encode()


async def exported(harness: Harness, chat_id: int) -> bytes:
    """Run /export and return the file the bot sent."""
    await harness.command(chat_id, "/export")
    document = harness.last(chat_id)["document"]
    assert document["file_name"] == "tenderbot-subscriptions.json"
    return harness.fake.file_bytes(document["file_id"])


async def test_export_then_import_elsewhere_round_trips(harness: Harness) -> None:
    await harness.command(USER, "/sub 液相色谱 -维修 地区:江苏")
    await harness.command(USER, "/sub 彩超")
    await harness.command(USER, "/pause 2")
    lc, _ = await harness.store.chats.subscriptions(USER)
    await harness.store.chats.update_subscription(USER, lc.id, excluded_buyers=["某<医院>&"])
    data = await exported(harness, USER)
    assert "2 个订阅" in harness.last_text(USER)
    assert json.loads(data)["format"] == "tenderbot-subscriptions"

    await harness.send(harness.fake.document_message(OTHER, OTHER, "subs.json", data, caption="/import"))
    preview = harness.last_text(OTHER)
    assert "新增 2 个，删除 0 个，不变 0 个" in preview and "➕ 液相色谱 -维修 地区:江苏" in preview
    assert await harness.store.chats.subscriptions(OTHER) == []  # nothing before confirming
    token = harness.buttons(OTHER)[0].split(":")[1]
    await harness.press(OTHER, f"i:{token}:y")
    assert "已导入：新增 2 个，删除 0 个" in harness.last_text(OTHER)
    mine = [(s.query, s.active, s.excluded_buyers) for s in await harness.store.chats.subscriptions(USER)]
    theirs = [(s.query, s.active, s.excluded_buyers) for s in await harness.store.chats.subscriptions(OTHER)]
    assert theirs == mine
    await harness.index.refresh()
    assert len(harness.index) == 2  # one of each chat is paused
    # Pressing confirm again does nothing twice.
    await harness.press(OTHER, f"i:{token}:y", check_button=False, message_id=harness.last(OTHER)["message_id"])
    assert "已失效" in harness.answers()[-1]
    assert len(await harness.store.chats.subscriptions(OTHER)) == 2
    # The same file again: nothing to do.
    await harness.send(harness.fake.document_message(OTHER, OTHER, "subs.json", data))
    assert harness.last_text(OTHER) == "文件里的订阅和现在的一样，无需导入。"


async def test_import_shows_added_removed_unchanged_and_cancel_changes_nothing(harness: Harness) -> None:
    await harness.command(USER, "/sub 液相色谱")
    await harness.command(USER, "/sub 彩超")
    file = {"subscriptions": ["液相色谱", {"query": "质谱 地区:浙江", "name": "ms"}]}
    await harness.send(harness.fake.document_message(USER, USER, "x.json", json.dumps(file).encode()))
    assert "新增 1 个，删除 1 个，不变 1 个" in harness.last_text(USER)
    assert "➖ #2 彩超" in harness.last_text(USER)
    token = harness.buttons(USER)[0].split(":")[1]
    await harness.press(USER, f"i:{token}:n")
    assert harness.last_text(USER) == "已取消，什么都没改。"
    assert [s.query for s in await harness.store.chats.subscriptions(USER)] == ["液相色谱", "彩超"]
    await harness.send(harness.fake.document_message(USER, USER, "x.json", json.dumps(file).encode()))
    token = harness.buttons(USER)[0].split(":")[1]
    await harness.press(USER, f"i:{token}:y")
    subs = await harness.store.chats.subscriptions(USER)
    assert [(s.query, s.name) for s in subs] == [("液相色谱", ""), ("质谱 地区:浙江", "ms")]
    await harness.index.refresh()
    assert len(harness.index) == 2


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"{not json", "不是有效的 JSON：第 1 行第 2 列"),
        ("订阅".encode("gbk"), "文件不是 UTF-8 文本"),
        (b'{"subs": []}', '没有 "subscriptions" 列表'),
        (b'{"format": "opml", "subscriptions": []}', "不是 tenderbot 导出的文件"),
        (subs(["彩超", "液相 地区:火星"]), "第 2 项“液相 地区:火星”：不认识的地区“火星”"),
        (subs([{"query": "彩超", "active": "yes"}]), '第 1 项："active" 须为 true 或 false'),
        (subs([{"q": "彩超"}]), '第 1 项：缺少文字型的 "query"'),
        (subs([{"query": "彩超", "excluded_buyers": [1]}]), "excluded_buyers"),
        (subs(["彩超"] * 51), "有 51 个订阅，最多 50 个"),
        # Issue 16: these two used to raise past the handler and leave the user without an answer.
        (b"[" * 5000 + b"]" * 5000, "JSON 嵌套层数太多"),
        (b'{"subscriptions": [' + b"9" * 5000 + b"]}", "文件里有位数过多的数字"),
    ],
)
async def test_bad_file_gets_a_precise_error_and_changes_nothing(harness: Harness, content: bytes, error: str) -> None:
    await harness.command(USER, "/sub 液相色谱")
    await harness.send(harness.fake.document_message(USER, USER, "bad.json", content, caption="/import"))
    text = harness.last_text(USER)
    assert text.startswith("❌ 导入失败，什么都没改：") and error in text, text
    assert harness.buttons(USER) == []
    assert [s.query for s in await harness.store.chats.subscriptions(USER)] == ["液相色谱"]


def test_oversized_file_is_refused_before_parsing() -> None:
    with pytest.raises(ImportProblem, match="file too large"):
        parse_import(b" " * (MAX_FILE_BYTES + 1), "en")


async def test_import_as_a_reply_in_a_group_needs_an_admin(harness: Harness) -> None:
    harness.fake.set_chat_admins(GROUP, [USER])
    data = json.dumps({"subscriptions": ["彩超"]}).encode()
    document = harness.fake.document_message(GROUP, OTHER, "team.json", data)
    await harness.send(document)  # no caption in a group: not an import
    assert harness.fake.messages(GROUP) == []
    file_message = document["message"]["message_id"]
    update = harness.fake.message(GROUP, OTHER, "/import", chat_type="supergroup", reply_to_message_id=file_message)
    update["message"]["entities"] = [{"type": "bot_command", "offset": 0, "length": 7}]
    await harness.send(update)
    assert "只有本群管理员" in harness.last_text(GROUP)
    update = harness.fake.message(GROUP, USER, "/import", chat_type="supergroup", reply_to_message_id=file_message)
    update["message"]["entities"] = [{"type": "bot_command", "offset": 0, "length": 7}]
    await harness.send(update)
    assert "新增 1 个" in harness.last_text(GROUP)
    await harness.command(GROUP, "/import", user=USER)
    assert "JSON 文件" in harness.last_text(GROUP)


async def test_import_errors_follow_the_readers_language(harness: Harness) -> None:
    """One catalogue: the file's problem and the query error inside it, both in English for English clients."""
    content = subs(["彩超", "液相 地区:火星"])
    update = harness.fake.document_message(USER, USER, "bad.json", content, caption="/import")
    update["message"]["from"]["language_code"] = "en"
    await harness.send(update)
    text = harness.last_text(USER)
    assert text.startswith("❌ Import failed, nothing changed: item 2 “液相 地区:火星”: Unknown region “火星”"), text
    assert "region:江苏,浙江" in text and "请" not in text
