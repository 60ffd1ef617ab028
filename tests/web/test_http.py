"""The console over HTTP (httpx ASGITransport): login, CSRF, escaping, search, export, teams, health."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import openpyxl
import pytest

from tenderbot.errors import ConfigError
from tenderbot.models import Notice, NoticeType
from tenderbot.web.listen import check_exposure, parse_listen
from tenderbot.web.security import LoginLimiter
from tenderbot.web.server import web_settings_check
from tests.web.support import (
    HOSTILE_TITLE,
    NOW,
    PASSWORD,
    client_for,
    context_of,
    csrf_of,
    log_in,
    rows_of,
    running_bot,
    stored_notices,
    web_settings,
)


async def test_pages_need_a_login_and_the_right_password(tmp_path: Path) -> None:
    async with running_bot(web_settings(tmp_path)) as bot, client_for(context_of(bot)) as client:
        answer = await client.get("/notices")
        assert answer.status_code == 303 and answer.headers["location"] == "/login"
        wrong = await log_in(client, "guess")
        assert wrong.status_code == 401 and "密码不正确" in wrong.text
        assert (await client.get("/notices")).status_code == 303
        right = await log_in(client)
        assert right.status_code == 303 and right.headers["location"] == "/notices"
        page = await client.get("/notices")
        assert page.status_code == 200 and "浙江大学质谱仪采购" in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert page.headers["x-frame-options"] == "DENY"


async def test_login_attempts_are_rate_limited(tmp_path: Path) -> None:
    async with running_bot(web_settings(tmp_path)) as bot:
        context = context_of(bot)
        context.limiter = LoginLimiter(per_client=3, window_seconds=300)
        async with client_for(context) as client:
            for _ in range(3):
                assert (await log_in(client, "nope")).status_code == 401
            throttled = await log_in(client)  # even the right password waits now
            assert throttled.status_code == 429 and "秒后再试" in throttled.text
            assert (await client.get("/notices")).status_code == 303


async def test_every_form_needs_the_csrf_token(tmp_path: Path) -> None:
    async with running_bot(web_settings(tmp_path)) as bot, client_for(context_of(bot)) as client:
        login_page = await client.get("/login")
        no_token = await client.post("/login", data={"password": PASSWORD})
        assert no_token.status_code == 403
        forged = await client.post("/login", data={"password": PASSWORD, "csrf_token": "x" * 43})
        assert forged.status_code == 403
        assert (await client.post("/login", data={"password": PASSWORD, "csrf_token": csrf_of(login_page.text)}))\
            .status_code == 303
        form = {"name": "质谱组", "query": "质谱", "kind": "wecom",
                "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1"}
        refused = await client.post("/teams", data=form)
        assert refused.status_code == 403
        assert [s.chat_id for s in await bot.store.chats.active_subscriptions()] == [0]  # the console's own
        token = csrf_of((await client.get("/teams")).text)
        created = await client.post("/teams", data={**form, "csrf_token": token})
        assert created.status_code == 303
        # htmx sends the token as a header instead of a form field.
        team_id = next(s.chat_id for s in await bot.store.chats.active_subscriptions() if s.chat_id != 0)
        assert (await client.post(f"/teams/{team_id}/pause")).status_code == 403
        assert (await client.post(f"/teams/{team_id}/pause", headers={"X-CSRF-Token": token})).status_code == 303


async def test_portal_text_is_escaped_everywhere(tmp_path: Path) -> None:
    async with running_bot(web_settings(tmp_path)) as bot, client_for(context_of(bot)) as client:
        await log_in(client)
        listing = await client.get("/notices", params={"q": "液相色谱"})
        assert "<script>alert" not in listing.text
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in listing.text
        stored = next(s for s in await stored_notices(bot)
                  if s.notice.title == HOSTILE_TITLE)
        detail = await client.get(f"/notices/{stored.id}")
        assert detail.status_code == 200
        assert "<script>alert" not in detail.text and "&lt;script&gt;" in detail.text
        # A query echoed back is escaped too.
        echoed = await client.get("/notices", params={"q": '"><img src=x onerror=alert(1)>'})
        assert "<img src=x" not in echoed.text


async def test_search_sorts_pages_and_marks_closed(tmp_path: Path) -> None:
    async with running_bot(web_settings(tmp_path)) as bot, client_for(context_of(bot)) as client:
        await log_in(client)
        page = (await client.get("/notices", params={"q": "类别:仪器|医疗", "sort": "deadline"})).text
        # Open tenders by the soonest deadline, closed ones last and marked.
        order = [page.index(t) for t in ("浙江大学质谱仪采购", "&lt;script&gt;", "彩色多普勒超声诊断仪采购")]
        assert order == sorted(order)
        assert "已截止" in page and "还剩3天" in page
        budget = (await client.get("/notices", params={"q": "", "sort": "budget"})).text
        assert budget.index("420万元") < budget.index("150万元") < budget.index("80万元")
        bad = await client.get("/notices", params={"q": "预算:很多"})
        assert bad.status_code == 400 and "查询有误" in bad.text
        swapped = await client.get("/notices", params={"q": "预算:很多"}, headers={"HX-Request": "true"})
        assert swapped.status_code == 200 and "查询有误" in swapped.text and "<html" not in swapped.text
        required = (await client.get("/notices", params={"q": "液相色谱 -更正"})).text
        assert "更正公告" not in required and "&lt;script&gt;" in required
        english = await client.get("/notices", headers={"Accept-Language": "en-US,en;q=0.9,zh;q=0.5"})
        assert "Deadline" in english.text and "截止时间" not in english.text
        bad_en = await client.get("/notices", params={"q": "预算:很多"}, headers={"Accept-Language": "en"})
        assert "Query error" in bad_en.text and "查询有误" not in bad_en.text


async def test_exports_carry_the_same_search(tmp_path: Path) -> None:
    async with running_bot(web_settings(tmp_path)) as bot, client_for(context_of(bot)) as client:
        await log_in(client)
        answer = await client.get("/notices.csv", params={"q": "液相色谱 地区:江西"})
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
        assert {r["title"] for r in rows} == {HOSTILE_TITLE, "液相色谱仪采购项目更正公告"}
        tender = next(r for r in rows if r["notice_type"] == "tender")
        assert tender["budget_yuan"] == "1500000" and tender["province"] == "江西" and tender["city"] == "南昌"
        assert tender["buyer"] == "江西省人民医院" and tender["url"] == "https://www.ccgp.gov.cn/a1.htm"
        assert tender["deadline"] == "2026-12-13 10:00"
        xlsx = await client.get("/notices.xlsx", params={"q": "质谱"})
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
        values = list(sheet.values)
        assert values[0][:8] == ("title", "notice_type", "budget_yuan", "deadline", "buyer", "province", "city", "url")
        assert values[1][0] == "浙江大学质谱仪采购" and values[1][2] == 4200000
        json_rows = rows_of((await client.get("/notices.json", params={"q": "质谱"})).content)
        assert [r["title"] for r in json_rows] == ["浙江大学质谱仪采购"]
        assert (await client.get("/notices.pdf")).status_code == 404


async def test_csv_export_defuses_formulas(tmp_path: Path) -> None:
    from tenderbot.models import Notice

    async with running_bot(web_settings(tmp_path)) as bot, client_for(context_of(bot)) as client:
        await bot.store.notices.upsert(
            [Notice(source="test-feed", source_id="f1", url="https://x.gov.cn/f", title='=HYPERLINK("http://evil")质谱')],
            bot.clock(),
        )
        await log_in(client)
        text = (await client.get("/notices.csv", params={"q": "质谱", "sort": "newest"})).content.decode("utf-8-sig")
        assert "'=HYPERLINK" in text


async def test_notice_page_shows_fields_thread_and_link(tmp_path: Path) -> None:
    async with running_bot(web_settings(tmp_path)) as bot, client_for(context_of(bot)) as client:
        await log_in(client)
        stored = sorted(await stored_notices(bot), key=lambda s: s.id)[0]
        page = (await client.get(f"/notices/{stored.id}")).text
        for text in ("150万元", "JXZC-2026-0099", "江西省人民医院", "0791-1234567", "南昌", "公开招标",
                     'href="https://www.ccgp.gov.cn/a1.htm"', "液相色谱仪采购项目更正公告", "更正"):
            assert text in page, text
        assert (await client.get("/notices/999999")).status_code == 404


async def test_healthz_answers_without_login(tmp_path: Path) -> None:
    async with running_bot(web_settings(tmp_path)) as bot, client_for(context_of(bot)) as client:
        answer = await client.get("/healthz")
        assert answer.status_code == 200
        body = answer.json()
        assert body["sources"][0]["name"] == "test-feed" and body["status"] in ("ok", "degraded")


async def test_without_password_only_loopback_hosts_are_served(tmp_path: Path) -> None:
    async with running_bot(web_settings(tmp_path, password="")) as bot:
        context = context_of(bot)
        async with client_for(context) as client:
            page = await client.get("/notices")
            assert page.status_code == 200 and 'id="no-password"' in page.text
        # A page elsewhere that rebinds its own name to 127.0.0.1 still sends its own Host: refused.
        async with client_for(context, host="attacker.example") as client:
            assert (await client.get("/notices")).status_code == 400


def test_public_address_without_password_is_refused(tmp_path: Path) -> None:
    assert parse_listen("") is None
    loopback = parse_listen("127.0.0.1:8080")
    assert loopback is not None and "loopback" in (check_exposure(loopback, "") or "")
    assert check_exposure(loopback, "pw") is None
    for public in ("0.0.0.0:8080", "192.168.1.5:80", "[::]:8080", "console.example.com:8080"):
        listen = parse_listen(public)
        assert listen is not None
        with pytest.raises(ConfigError, match="TENDERBOT_WEB_PASSWORD"):
            check_exposure(listen, "")
        check_exposure(listen, "secret")
    with pytest.raises(ConfigError, match="host:port"):
        parse_listen("8080")
    with pytest.raises(ConfigError, match="TENDERBOT_WEB_PASSWORD"):
        web_settings_check(web_settings(tmp_path, password="", listen="0.0.0.0:8080"))


async def test_run_refuses_to_start_publicly_without_password(tmp_path: Path) -> None:
    from tenderbot.app import TenderBot

    settings = web_settings(tmp_path, password="", listen="0.0.0.0:8080")
    async with TenderBot(settings) as bot:
        with pytest.raises(ConfigError, match="TENDERBOT_WEB_PASSWORD"):
            await asyncio.wait_for(bot.run(), 10)  # a regression would serve forever: fail instead


def test_a_taken_port_is_a_clear_configuration_error() -> None:
    import socket

    from tenderbot.web.listen import Listen
    from tenderbot.web.server import bind

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(ConfigError, match=f"127.0.0.1:{port}: cannot listen"):
            bind(Listen("127.0.0.1", port))


async def test_a_second_process_on_the_same_port_keeps_working_without_a_console(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import socket

    from tenderbot.web.server import start_web_console

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        async with running_bot(web_settings(tmp_path, listen=f"127.0.0.1:{port}")) as bot:
            assert await start_web_console(bot) is None
    assert f"web console not started: TENDERBOT_WEB_LISTEN=127.0.0.1:{port}: cannot listen" in caplog.text


async def test_search_window_defaults_to_a_month(tmp_path: Path) -> None:
    from datetime import timedelta

    from tenderbot.models import Notice

    async with running_bot(web_settings(tmp_path)) as bot, client_for(context_of(bot)) as client:
        old = Notice(source="test-feed", source_id="old", url="https://x.gov.cn/old", title="去年的质谱仪采购")
        await bot.store.notices.upsert([old], bot.clock() - timedelta(days=40))
        await log_in(client)
        recent = (await client.get("/notices", params={"q": "质谱"})).text
        assert "去年的质谱仪采购" not in recent and "浙江大学质谱仪采购" in recent
        everything = (await client.get("/notices", params={"q": "质谱", "since": "all"})).text
        assert "去年的质谱仪采购" in everything and 'since=all' in everything  # exports keep the window
        rows = rows_of((await client.get("/notices.json", params={"q": "质谱", "since": "all"})).content)
        assert len(rows) == 2


async def test_a_notice_without_deadline_or_region_says_so(tmp_path: Path) -> None:
    async with running_bot(web_settings(tmp_path)) as bot, client_for(context_of(bot)) as client:
        await log_in(client)
        await bot.store.notices.upsert(
            [Notice(source="test-feed", source_id="nd1", url="https://www.ccgp.gov.cn/nd1.htm",
                    title="无截止时间的采购公告", notice_type=NoticeType.TENDER)],
            NOW,
        )
        stored = next(s for s in await stored_notices(bot) if s.notice.source_id == "nd1")
        detail = await client.get(f"/notices/{stored.id}")
        assert detail.status_code == 200
        assert '<dt>截止时间</dt><dd class="">未注明</dd>' in detail.text
        assert "<dt>地区</dt><dd>未注明</dd>" in detail.text
