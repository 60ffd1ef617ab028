"""The fake Bot API, driven by a real python-telegram-bot 22 Bot / Application, rule by rule."""

from __future__ import annotations

import asyncio
import html
import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters, Update
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

try:
    from tests.fake_telegram import ApiError, FakeTelegram, FloodLimits, parse_html, utf16_len
except ImportError:  # tests/ run as a plain directory (no tests/__init__.py)
    from fake_telegram import ApiError, FakeTelegram, FloodLimits, parse_html, utf16_len  # type: ignore[no-redef]

# do_api_request is how we send malformed or unknown calls on purpose.
pytestmark = pytest.mark.filterwarnings("ignore:Please use 'Bot.:telegram.warnings.PTBUserWarning")


class ManualClock:
    """A monotonic clock tests move by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_bot(fake: FakeTelegram, read_timeout: float = 5.0) -> Bot:
    """A real PTB Bot whose HTTP goes to the fake in-process."""
    request = HTTPXRequest(httpx_kwargs={"transport": fake.transport()}, read_timeout=read_timeout)
    return Bot(fake.token, request=request, get_updates_request=request)


@pytest.fixture
async def fake() -> FakeTelegram:
    return FakeTelegram()


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with make_bot(fake) as started:
        yield started


# ---- the HTML parser on its own ---------------------------------------------------------------------


def test_parse_html_yields_plain_text_and_utf16_entities() -> None:
    text, entities = parse_html('😀 <b>预算 &lt;50万&gt;</b> <a href="https://x.cn/?a=1&amp;b=2">公告</a>')
    assert text == "😀 预算 <50万> 公告"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 8},
        {"type": "text_link", "offset": 12, "length": 2, "url": "https://x.cn/?a=1&b=2"},
    ]


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("预算<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("A & B", 'Unescaped "&" at byte offset 2; write "&amp;"'),
        ("1 > 0", 'Unescaped ">" at byte offset 2; write "&gt;"'),
        ("a&nbsp;b", 'Unsupported HTML entity "&nbsp;" at byte offset 1'),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<b", "Unclosed start tag at byte offset 0"),
    ],
)
def test_parse_html_rejects_what_telegram_rejects(source: str, error: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_html(source)
    assert caught.value.status == 400
    assert caught.value.description == f"Bad Request: can't parse entities: {error}"


def test_parse_html_accepts_every_supported_tag() -> None:
    source = (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike>"
        '<del>d</del><span class="tg-spoiler">p</span><tg-spoiler>q</tg-spoiler><code>c</code>'
        '<pre><code class="language-python">x</code></pre><blockquote expandable>z</blockquote>'
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>&#20013;&#x6587;&quot;'
    )
    text, entities = parse_html(source)
    assert text == 'bsieunskdpqcxz👍中文"'
    kinds = [e["type"] for e in entities]
    assert kinds.count("bold") == 2 and kinds.count("spoiler") == 2
    assert {"type": "pre", "offset": 12, "length": 1, "language": "python"} in entities
    assert "expandable_blockquote" in kinds and "custom_emoji" in kinds


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_escaped_text_parses_back_to_itself(raw: str) -> None:
    # The contract the renderer relies on: html.escape(title) is always valid and round-trips.
    text, entities = parse_html(f"<b>{html.escape(raw, quote=False)}</b>")
    assert text == raw
    assert entities == ([{"type": "bold", "offset": 0, "length": utf16_len(raw)}] if raw else [])


# ---- sendMessage through a real PTB Bot (MockTransport) --------------------------------------------


async def test_valid_html_message_is_stored_as_telegram_would(bot: Bot, fake: FakeTelegram) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("打开", url="https://ccgp.gov.cn/a.htm"),
                                      InlineKeyboardButton("静音", callback_data="s:mute:12")]])
    sent = await bot.send_message(42, "<b>彩超</b> &amp; 监护仪", parse_mode=ParseMode.HTML,
                                  reply_markup=keyboard)
    assert sent.text == "彩超 & 监护仪"
    assert sent.entities[0].type == "bold" and sent.entities[0].length == 2
    assert sent.reply_markup == keyboard
    # What PTB put on the wire, decoded: ints and nested JSON arrive typed.
    params = fake.sent("sendMessage")[0]
    assert params["chat_id"] == 42 and params["parse_mode"] == "HTML"
    assert params["reply_markup"]["inline_keyboard"][0][1]["callback_data"] == "s:mute:12"
    stored = fake.messages(42)
    assert [m["message_id"] for m in stored] == [sent.message_id]
    assert stored[0]["source_text"] == "<b>彩超</b> &amp; 监护仪"


async def test_bad_html_is_rejected_with_telegram_text(bot: Bot, fake: FakeTelegram) -> None:
    with pytest.raises(BadRequest) as caught:
        await bot.send_message(42, "招标 <项目> A&B", parse_mode=ParseMode.HTML)
    # PTB strips "Bad Request: " and capitalize()s the rest.
    assert caught.value.message == 'Can\'t parse entities: unsupported start tag "项目" at byte offset 7'
    assert fake.log[-1].status == 400
    assert fake.log[-1].description.startswith("Bad Request: can't parse entities: Unsupported start tag")
    assert fake.messages(42) == []


async def test_4096_utf16_units_is_the_limit(bot: Bot) -> None:
    await bot.send_message(1, "a" * 4096)
    await bot.send_message(1, "😀" * 2048)  # 4096 UTF-16 units
    await bot.send_message(1, f"<b>{'a' * 4096}</b>", parse_mode=ParseMode.HTML)  # tags do not count
    for too_long in ("a" * 4097, "😀" * 2049):
        with pytest.raises(BadRequest, match=r"^Message is too long$"):
            await bot.send_message(1, too_long)


async def test_empty_text_is_rejected(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"^Message text is empty$"):
        await bot.send_message(1, "<b> </b>", parse_mode=ParseMode.HTML)


async def test_callback_data_over_64_bytes_is_rejected(bot: Bot, fake: FakeTelegram) -> None:
    await bot.send_message(1, "ok", reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton("x", callback_data="d" * 64)]]))
    # 22 CJK characters are 66 bytes: the limit is bytes, not characters.
    with pytest.raises(BadRequest, match=r"^Button_data_invalid$"):
        await bot.send_message(1, "no", reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("x", callback_data="液" * 22)]]))
    assert fake.log[-1].description == "Bad Request: BUTTON_DATA_INVALID"


async def test_malformed_inline_keyboard_is_rejected(bot: Bot) -> None:
    for markup in ({"inline_keyboard": [{"text": "x", "callback_data": "y"}]},
                   {"inline_keyboard": [[{"text": "x"}]]},
                   {"inline_keyboard": [[{"text": "x", "url": "javascript:alert(1)"}]]}):
        with pytest.raises(BadRequest):
            await bot.do_api_request("sendMessage", {"chat_id": 1, "text": "t", "reply_markup": markup})


async def test_reply_to_unknown_message(bot: Bot, fake: FakeTelegram) -> None:
    with pytest.raises(BadRequest, match=r"^Message to be replied not found$"):
        await bot.send_message(7, "re", reply_to_message_id=99)
    kept = await bot.send_message(7, "re", reply_parameters=ReplyParameters(99, allow_sending_without_reply=True))
    assert kept.reply_to_message is None
    user_message = fake.message(7, 7, "hello")["message"]
    answer = await bot.send_message(7, "hi", reply_to_message_id=user_message["message_id"])
    assert answer.reply_to_message is not None and answer.reply_to_message.text == "hello"
    assert fake.messages(7)[-1]["reply_to_message_id"] == user_message["message_id"]


async def test_edit_rules(bot: Bot, fake: FakeTelegram) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("next", callback_data="p:2")]])
    msg = await bot.send_message(5, "page 1", reply_markup=keyboard)
    with pytest.raises(BadRequest, match=r"^Message is not modified: specified new message content"):
        await bot.edit_message_text("page 1", 5, msg.message_id, reply_markup=keyboard)
    edited = await bot.edit_message_text("<i>page 2</i>", 5, msg.message_id, parse_mode=ParseMode.HTML,
                                         reply_markup=keyboard)
    assert isinstance(edited, type(msg)) and edited.text == "page 2"
    await bot.edit_message_text("page 3", 5, msg.message_id)  # no markup sent: keyboard goes
    assert "reply_markup" not in fake.messages(5)[0]
    with pytest.raises(BadRequest, match=r"^Message is not modified"):
        await bot.edit_message_reply_markup(5, msg.message_id, reply_markup=None)
    await bot.edit_message_reply_markup(5, msg.message_id, reply_markup=keyboard)
    with pytest.raises(BadRequest, match=r"^Message to edit not found$"):
        await bot.edit_message_text("x", 5, 999)
    assert await bot.delete_message(5, msg.message_id)
    with pytest.raises(BadRequest, match=r"^Message to delete not found$"):
        await bot.delete_message(5, msg.message_id)


# ---- flood control and injected errors -------------------------------------------------------------


async def test_per_chat_flood_429_surfaces_as_retry_after() -> None:
    clock = ManualClock()
    fake = FakeTelegram(flood=FloodLimits(per_chat_burst=2), clock=clock)
    async with make_bot(fake) as bot:
        await bot.send_message(1, "a")
        await bot.send_message(1, "b")
        await bot.send_message(2, "other chat is not limited")
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(1, "c")
        assert caught.value.retry_after == 1
        assert fake.rejected_429 == 1
        assert fake.log[-1].description == "Too Many Requests: retry after 1"
        clock.now += 1.0
        await bot.send_message(1, "c")
        assert [m["text"] for m in fake.messages(1)] == ["a", "b", "c"]


async def test_group_limit_is_20_per_minute() -> None:
    clock = ManualClock()
    fake = FakeTelegram(flood=FloodLimits(per_chat_burst=100, per_chat_per_second=100), clock=clock)
    async with make_bot(fake) as bot:
        for n in range(20):
            await bot.send_message(-100, f"m{n}")
            clock.now += 0.5
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(-100, "21st")
        assert caught.value.retry_after == 50  # the first of the 20 leaves the window at t+60
        clock.now += 50
        await bot.send_message(-100, "21st")


async def test_overall_limit_is_30_per_second() -> None:
    clock = ManualClock()
    fake = FakeTelegram(clock=clock)
    async with make_bot(fake) as bot:
        for chat in range(1, 31):
            await bot.send_message(chat, "broadcast")
        with pytest.raises(RetryAfter):
            await bot.send_message(31, "broadcast")
        clock.now += 1.0
        await bot.send_message(31, "broadcast")
        assert fake.rejected_429 == 1


async def test_ptb_rate_limiter_recovers_from_the_fakes_429() -> None:
    # Real clock: the second message in the same second trips the per-chat bucket (burst 1), and
    # AIORateLimiter(max_retries=1) waits retry_after (+0.1 s) and sends it again.
    fake = FakeTelegram(flood=FloodLimits(per_chat_burst=1))
    request = HTTPXRequest(httpx_kwargs={"transport": fake.transport()})
    app = (ApplicationBuilder().token(fake.token).request(request).get_updates_request(request)
           .rate_limiter(AIORateLimiter(max_retries=1)).updater(None).build())
    async with app:
        await app.bot.send_message(1, "first")
        started = time.monotonic()
        await app.bot.send_message(1, "second")
        assert time.monotonic() - started >= 1.0
    assert fake.rejected_429 == 1
    assert [c for c in fake.calls if c == "sendMessage"] == ["sendMessage"] * 3
    assert [m["text"] for m in fake.messages(1)] == ["first", "second"]


async def test_injected_429_403_and_migration(bot: Bot, fake: FakeTelegram) -> None:
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", {"retry_after": 3})
    with pytest.raises(RetryAfter) as retry:
        await bot.send_message(1, "x")
    assert retry.value.retry_after == 3 and fake.rejected_429 == 1
    await bot.send_message(1, "x")  # only the next call fails

    fake.block_chat(2)
    for _ in range(2):
        with pytest.raises(Forbidden, match=r"^Forbidden: bot was blocked by the user$"):
            await bot.send_message(2, "x")

    fake.migrate_chat(-10, -1001234567890)
    with pytest.raises(ChatMigrated) as migrated:
        await bot.send_message(-10, "x")
    assert migrated.value.new_chat_id == -1001234567890
    await bot.send_message(-1001234567890, "x")

    fake.fail_next("sendMessage", 400, "Bad Request: chat not found", chat_id=3, times=2)
    await bot.send_message(4, "other chat unaffected")
    for _ in range(2):
        with pytest.raises(BadRequest, match=r"^Chat not found$"):
            await bot.send_message(3, "x")
    await bot.send_message(3, "x")


async def test_delay_provokes_a_client_timeout_but_the_message_lands() -> None:
    fake = FakeTelegram()
    async with make_bot(fake, read_timeout=0.1) as bot:
        fake.delay_next("sendMessage", 0.4)
        with pytest.raises(TimedOut):
            await bot.send_message(1, "slow")
        await fake.wait_for(lambda: fake.messages(1))
        assert fake.messages(1)[0]["text"] == "slow"


async def test_wrong_token_and_unknown_method(fake: FakeTelegram) -> None:
    async with make_bot(fake) as bot:
        with pytest.raises(EndPointNotFound):
            await bot.do_api_request("getMyName")
    async with httpx.AsyncClient(transport=fake.transport(), base_url="https://api.telegram.org") as client:
        wrong = await client.post("/bot999:nope/getMe")
        assert (wrong.status_code, wrong.json()["description"]) == (401, "Unauthorized")
        unknown = await client.post(f"/bot{fake.token}/getMyName")
        assert (unknown.status_code, unknown.json()) == (404, {"ok": False, "error_code": 404,
                                                               "description": "Not Found"})


# ---- other methods --------------------------------------------------------------------------------


async def test_chat_admins_commands_and_chat_actions(bot: Bot, fake: FakeTelegram) -> None:
    fake.set_chat_admins(-200, [11, 12], creator=11)
    assert (await bot.get_chat_member(-200, 11)).status == "creator"
    assert (await bot.get_chat_member(-200, 12)).status == "administrator"
    assert (await bot.get_chat_member(-200, 13)).status == "member"
    admins = await bot.get_chat_administrators(-200)
    assert [a.user.id for a in admins] == [11, 12]
    chat = await bot.get_chat(-200)
    assert chat.type == "group"

    await bot.set_my_commands([("sub", "订阅"), ("list", "我的订阅")], language_code="zh")
    assert [c.command for c in await bot.get_my_commands(language_code="zh")] == ["sub", "list"]
    assert await bot.get_my_commands() == ()
    assert fake.commands(language_code="zh")[0] == {"command": "sub", "description": "订阅"}
    with pytest.raises(BadRequest, match=r"^Bot_command_invalid$"):
        await bot.set_my_commands([("Sub-Scribe", "bad name")])
    await bot.delete_my_commands(language_code="zh")
    assert fake.commands(language_code="zh") == []

    assert await bot.send_chat_action(5, "typing")
    with pytest.raises(BadRequest):
        await bot.do_api_request("sendChatAction", {"chat_id": 5, "action": "dancing"})


async def test_file_upload_and_download_round_trip(bot: Bot, fake: FakeTelegram) -> None:
    payload = "订阅:\n- 液相色谱 -维修\n".encode() * 50
    sent = await bot.send_document(42, payload, filename="subscriptions.yaml", caption="<b>导出</b>",
                                   parse_mode=ParseMode.HTML)
    assert sent.document is not None and sent.document.file_name == "subscriptions.yaml"
    assert sent.caption == "导出"
    assert fake.file_bytes(sent.document.file_id) == payload
    assert fake.sent("sendDocument")[0]["document"]["data"] == payload

    update = Update.de_json(fake.document_message(42, 42, "import.yaml", b"a: 1\n"), bot)
    assert update is not None and update.message is not None and update.message.document is not None
    tg_file = await bot.get_file(update.message.document.file_id)
    assert bytes(await tg_file.download_as_bytearray()) == b"a: 1\n"
    with pytest.raises(BadRequest, match=r"^Invalid file_id$"):
        await bot.get_file("nope")


async def test_update_builders_deserialize_in_ptb(bot: Bot, fake: FakeTelegram) -> None:
    command = Update.de_json(fake.command(-300, 8, "/sub@tender_test_bot 彩超", chat_type="group",
                                          username="alice"), bot)
    assert command is not None and command.effective_message is not None
    assert command.effective_message.entities[0].type == "bot_command"
    assert command.effective_message.entities[0].length == len("/sub@tender_test_bot")
    assert command.effective_user is not None and command.effective_user.language_code == "zh-hans"

    await bot.send_message(8, "menu", reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton("del", callback_data="s:del:1")]]))
    with pytest.raises(ValueError, match="no button"):
        fake.callback(8, 8, "s:del:2")
    press = Update.de_json(fake.callback(8, 8, "s:del:1"), bot)
    assert press is not None and press.callback_query is not None and press.callback_query.data == "s:del:1"
    assert await bot.answer_callback_query(press.callback_query.id, "已删除")
    with pytest.raises(BadRequest, match=r"^Query is too old"):
        await bot.answer_callback_query(press.callback_query.id)

    kicked = Update.de_json(fake.my_chat_member(8, "kicked"), bot)
    assert kicked is not None and kicked.my_chat_member is not None
    assert kicked.my_chat_member.new_chat_member.status == "kicked"
    with pytest.raises(Forbidden):
        await bot.send_message(8, "still there?")
    fake.my_chat_member(8, "member")
    await bot.send_message(8, "welcome back")


# ---- getUpdates ------------------------------------------------------------------------------------


async def test_get_updates_honours_offset_and_long_poll(bot: Bot, fake: FakeTelegram) -> None:
    first = fake.push_update(fake.command(1, 1, "/start"))
    fake.push_update(fake.command(1, 1, "/help"))
    assert [u.update_id for u in await bot.get_updates()] == [first["update_id"], first["update_id"] + 1]
    rest = await bot.get_updates(offset=first["update_id"] + 1)
    assert [u.message.text for u in rest if u.message] == ["/help"]
    assert len(await bot.get_updates()) == 1  # the first was confirmed by the higher offset

    started = time.monotonic()
    assert await bot.get_updates(offset=first["update_id"] + 2, timeout=30) == ()
    assert 0.4 <= time.monotonic() - started < 2  # waits at most max_long_poll (0.5 s)

    async def push_later() -> None:
        await asyncio.sleep(0.1)
        fake.push_update(fake.command(1, 1, "/list"))

    pusher = asyncio.create_task(push_later())
    woken = await bot.get_updates(offset=first["update_id"] + 2, timeout=30)
    await pusher
    assert [u.message.text for u in woken if u.message] == ["/list"]


async def test_allowed_updates_apply_to_later_updates(bot: Bot, fake: FakeTelegram) -> None:
    member_update = {"chat_member": {"chat": {"id": -5, "type": "group", "title": "g"}}}
    fake.push_update(dict(member_update))  # excluded by default, like Telegram
    assert await bot.get_updates() == () and len(fake.dropped_updates) == 1
    assert await bot.get_updates(allowed_updates=["message", "chat_member"]) == ()
    fake.push_update(dict(member_update))
    fake.push_update(fake.my_chat_member(5, "member"))  # not in the allowed list now
    delivered = await bot.get_updates()
    assert [u.chat_member is not None for u in delivered] == [True]
    assert len(fake.dropped_updates) == 2


async def test_webhook_and_concurrent_pollers_conflict(bot: Bot, fake: FakeTelegram) -> None:
    await bot.set_webhook("https://example.invalid/hook")
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()
    async with httpx.AsyncClient(transport=fake.transport(), base_url="https://api.telegram.org") as client:
        url = f"/bot{fake.token}/getUpdates"
        polls_before = fake._poll_generation
        older = asyncio.create_task(client.post(url, data={"timeout": "10"}))
        await fake.wait_for(lambda: fake._poll_generation > polls_before)  # the older poll is waiting now
        newer = await client.post(url, data={"timeout": "0"})
        answer = await older
    assert newer.status_code == 200
    assert answer.status_code == 409 and "terminated by other getUpdates request" in answer.json()["description"]


# ---- whole applications ----------------------------------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with a button."""
    assert update.effective_chat is not None
    await context.bot.send_message(update.effective_chat.id, "<b>欢迎</b>", parse_mode=ParseMode.HTML,
                                   reply_markup=InlineKeyboardMarkup(
                                       [[InlineKeyboardButton("订阅", callback_data="sub:new")]]))


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the press and edit the panel."""
    query = update.callback_query
    assert query is not None
    await query.answer("好")
    await query.edit_message_text(f"pressed {query.data}")


async def receive_file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Download the document and report its size."""
    assert update.message is not None and update.message.document is not None
    tg_file = await update.message.document.get_file()
    data = await tg_file.download_as_bytearray()
    await update.message.reply_text(f"{len(data)} bytes: {bytes(data).decode()}")


def add_handlers(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(button))
    app.add_handler(MessageHandler(filters.Document.ALL, receive_file))


async def drive_polling_app(fake: FakeTelegram, app: Application) -> None:  # type: ignore[type-arg]
    """/start, a button press and a document upload through a real polling Application."""
    add_handlers(app)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        fake.push_update(fake.command(42, 42, "/start"))
        await fake.wait_for(lambda: fake.messages(42))
        fake.push_update(fake.callback(42, 42, "sub:new"))
        await fake.wait_for(lambda: fake.messages(42)[0]["text"] == "pressed sub:new")
        fake.push_update(fake.document_message(42, 42, "subs.yaml", "液相色谱".encode()))
        reply = await fake.wait_for(lambda: [m for m in fake.messages(42) if "bytes" in m["text"]])
        assert reply[0]["text"] == "12 bytes: 液相色谱"
        await app.updater.stop()
        await app.stop()
    calls = fake.calls
    assert calls[:3] == ["getMe", "deleteWebhook", "getUpdates"]
    for method in ("sendMessage", "answerCallbackQuery", "editMessageText", "getFile", "download"):
        assert method in calls
    assert "reply_markup" not in fake.messages(42)[0]  # edited without markup: keyboard gone


async def test_polling_application_against_the_socket_server() -> None:
    with FakeTelegram.serving() as fake:
        app = (ApplicationBuilder().token(fake.token).base_url(fake.base_url)
               .base_file_url(fake.base_file_url).build())
        await drive_polling_app(fake, app)


async def test_polling_application_in_process() -> None:
    fake = FakeTelegram()
    app = (ApplicationBuilder().token(fake.token)
           .request(HTTPXRequest(httpx_kwargs={"transport": fake.transport()}))
           .get_updates_request(HTTPXRequest(httpx_kwargs={"transport": fake.transport()})).build())
    await drive_polling_app(fake, app)


async def test_in_process_application_with_process_update(fake: FakeTelegram) -> None:
    request = HTTPXRequest(httpx_kwargs={"transport": fake.transport()})
    app = ApplicationBuilder().token(fake.token).request(request).get_updates_request(request).updater(None).build()
    add_handlers(app)
    async with app:
        await app.process_update(Update.de_json(fake.command(9, 9, "/start"), app.bot))
        await app.process_update(Update.de_json(fake.callback(9, 9, "sub:new"), app.bot))
    assert fake.calls == ["getMe", "sendMessage", "answerCallbackQuery", "editMessageText"]
    assert fake.sent("answerCallbackQuery")[0]["text"] == "好"
    assert json.loads(json.dumps(fake.messages(9)))[0]["text"] == "pressed sub:new"
