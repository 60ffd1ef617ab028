"""Team subscriptions: validation, the shared matcher and outbox, robot and e-mail delivery, test messages."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tenderbot.app import TenderBot
from tenderbot.errors import ConfigError
from tenderbot.models import Notice, NoticeType
from tenderbot.services.teams import TeamForm
from tenderbot.store.teams import TEAM_ID_BASE
from tests.web.smtp_standin import SmtpStandIn
from tests.web.support import (
    NOW,
    client_for,
    context_of,
    csrf_of,
    log_in,
    running_bot,
    sample_notices,
    stored_notices,
    web_settings,
)

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=team-key"


class Robot:
    """Records what reaches the robot host and answers errcode 0."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        assert request.url.host == "qyapi.weixin.qq.com"
        self.posts.append(json.loads(request.content))
        return httpx.Response(200, json={"errcode": 0, "errmsg": "ok"})


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        ("wecom", "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"),
        ("wecom", "https://evil.example/cgi-bin/webhook/send?key=k"),
        ("wecom", "https://127.0.0.1/hook"),
        ("wecom", "https://user:pw@qyapi.weixin.qq.com/x"),
        ("feishu", "https://169.254.169.254/latest/meta-data"),
        ("dingtalk", ""),
    ],
)
async def test_robot_urls_must_pass_the_hook_policy(tmp_path: Path, kind: str, url: str) -> None:
    async with running_bot(web_settings(tmp_path)) as bot:
        with pytest.raises(ConfigError):
            await context_of(bot).teams.create(TeamForm(name="x", query="质谱", kind=kind, url=url))
        assert await context_of(bot).teams.teams.all() == []


async def test_platform_robot_urls_are_accepted(tmp_path: Path) -> None:
    async with running_bot(web_settings(tmp_path)) as bot:
        service = context_of(bot).teams
        for kind, url in [("wecom", WECOM), ("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=t"),
                          ("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/abc")]:
            await service.create(TeamForm(name=kind, query="质谱", kind=kind, url=url))
        assert len(await service.teams.all()) == 3


async def test_a_wecom_team_gets_new_matches_through_the_outbox(tmp_path: Path) -> None:
    robot = Robot()
    transport = httpx.MockTransport(robot.handle)
    async with running_bot(web_settings(tmp_path), store_samples=False, transport=transport) as bot:
        async with client_for(context_of(bot)) as client:
            await log_in(client)
            token = csrf_of((await client.get("/teams")).text)
            created = await client.post("/teams", data={
                "csrf_token": token, "name": "色谱组", "query": "液相色谱 地区:江西", "kind": "wecom", "url": WECOM,
            })
            assert created.status_code == 303
            listing = (await client.get("/teams")).text
            assert "色谱组" in listing and "qyapi.weixin.qq.com" in listing and "team-key" not in listing
        team = (await context_of(bot).teams.teams.all())[0]
        assert team.id > TEAM_ID_BASE
        # New notices arrive: the pipeline's matcher (the same index as chats) queues the team's alert.
        changes = await bot.store.notices.upsert(sample_notices(NOW), NOW)
        queued = await bot.pipeline.queue_for(changes, NOW)
        assert queued >= 2  # the console chat's alerts and the team's one
        await bot.drain()
        contents = [p["markdown"]["content"] for p in robot.posts]
        assert len(contents) == 1 and "液相色谱仪采购项目" in contents[0] and "150万元" in contents[0]
        # Paused: nothing more is queued for the team.
        await context_of(bot).teams.set_active(team.id, False)
        more = await bot.store.notices.upsert(
            [sample_notices(NOW)[0].__class__(**{**_fields(sample_notices(NOW)[0]), "source_id": "a9",
                                                 "title": "另一台液相色谱仪采购"})], NOW)
        await bot.pipeline.queue_for(more, NOW)
        await bot.drain()
        assert len(robot.posts) == 1


def _fields(notice: Any) -> dict[str, Any]:
    return {name: getattr(notice, name) for name in notice.__dataclass_fields__}


async def test_edit_keeps_the_secret_and_delete_removes_everything(tmp_path: Path) -> None:
    async with running_bot(web_settings(tmp_path)) as bot:
        service = context_of(bot).teams
        team = await service.create(TeamForm(name="钉钉组", query="质谱", kind="dingtalk",
                                             url="https://oapi.dingtalk.com/robot/send?access_token=t",
                                             secret="SECkeep"))
        assert await service.edit(team.id, TeamForm(name="钉钉组2", query="质谱 -维修", kind="dingtalk",
                                                    url="https://oapi.dingtalk.com/robot/send?access_token=t"))
        edited = await service.teams.get(team.id)
        assert edited is not None and edited.destination["secret"] == "SECkeep"
        assert edited.subscription.query == "质谱 -维修" and edited.name == "钉钉组2"
        with pytest.raises(ConfigError):
            await service.edit(team.id, TeamForm(name="x", query="质谱", kind="email", email="not-an-address"))
        assert await service.delete(team.id)
        assert await service.teams.get(team.id) is None
        assert await bot.store.chats.get(team.id) is None


async def test_preview_counts_the_last_seven_days(tmp_path: Path) -> None:
    async with running_bot(web_settings(tmp_path)) as bot, client_for(context_of(bot)) as client:
        await log_in(client)
        answer = (await client.get("/teams/preview", params={"query": "液相色谱"})).text
        # The amendment is a follow-up: a subscription without 类型:更正 is not alerted by it.
        assert "最近 7 天可匹配 1 条" in answer and "&lt;script&gt;" in answer
        bad = (await client.get("/teams/preview", params={"query": "预算:很多"})).text
        assert "error" in bad
        old = Notice(source="test-feed", source_id="old", url="https://x.gov.cn/o", title="液相色谱仪（旧）",
                     notice_type=NoticeType.TENDER, tender_deadline=NOW + timedelta(days=5))
        await bot.store.notices.upsert([old], NOW - timedelta(days=8))
        count, hits = await context_of(bot).teams.preview("液相色谱")
        assert count == 1 and all(h.stored.notice.source_id != "old" for h in hits)


async def test_email_team_and_test_message_through_smtp(tmp_path: Path) -> None:
    with SmtpStandIn() as smtp:
        settings = web_settings(tmp_path, smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_security="none",
                                smtp_from="alerts@tenderbot.example")
        async with running_bot(settings) as bot, client_for(context_of(bot)) as client:
            await log_in(client)
            token = csrf_of((await client.get("/teams")).text)
            await client.post("/teams", data={"csrf_token": token, "name": "采购部", "query": "质谱",
                                              "kind": "email", "email": "bids@hospital.example"})
            team = (await context_of(bot).teams.teams.all())[0]
            answer = await client.post(f"/teams/{team.id}/test", headers={"X-CSRF-Token": token})
            assert "测试消息已发送" in answer.text and "浙江大学质谱仪采购" in answer.text
            assert len(smtp.mailbox.messages) == 1
            mail = smtp.mailbox.messages[0]
            assert mail.recipients == ["bids@hospital.example"]
            message = mail.message()
            assert "浙江大学质谱仪采购" in str(message["Subject"])
            body = message.get_body(("plain",))
            assert body is not None and "420万元" in body.get_content()
            # A refused address is reported, not swallowed.
            smtp.mailbox.refuse.add("bids@hospital.example")
            failed = await client.post(f"/teams/{team.id}/test", headers={"X-CSRF-Token": token})
            assert "发送失败" in failed.text


async def test_email_destination_without_smtp_says_so(tmp_path: Path) -> None:
    async with running_bot(web_settings(tmp_path)) as bot, client_for(context_of(bot)) as client:
        await log_in(client)
        page = await client.get("/teams")
        assert "未配置 SMTP" in page.text
        service = context_of(bot).teams
        team = await service.create(TeamForm(name="m", query="质谱", kind="email", email="a@b.example"))
        answer = await client.post(f"/teams/{team.id}/test", headers={"X-CSRF-Token": csrf_of(page.text)})
        assert "TENDERBOT_SMTP_HOST" in answer.text


async def test_teams_get_follow_ups_digests_and_reminders_through_their_robot(tmp_path: Path) -> None:
    from tenderbot.delivery.digests import DigestService
    from tenderbot.delivery.reminders import ReminderService

    robot = Robot()
    clock = [NOW]
    settings = web_settings(tmp_path)
    async with TenderBot(settings, clock=lambda: clock[0], transport=httpx.MockTransport(robot.handle),
                         fetch_min_delay=0.0) as bot:
        context = context_of(bot)
        team = await context.teams.create(TeamForm(name="色谱组", query="液相色谱", kind="wecom", url=WECOM))
        tender, amendment, *_rest = sample_notices(NOW)
        await bot.pipeline.queue_for(await bot.store.notices.upsert([tender], NOW), NOW)
        await bot.drain()
        assert len(robot.posts) == 1
        # The amendment of the same project reaches the team that got the alert.
        await bot.pipeline.queue_for(await bot.store.notices.upsert([amendment], NOW), NOW)
        await bot.drain()
        assert len(robot.posts) == 2 and "更正" in robot.posts[1]["markdown"]["content"]
        # Followed from the notice page: a reminder before the (amended) deadline.
        async with client_for(context) as client:
            await log_in(client)
            stored = next(s for s in await stored_notices(bot)
                          if s.notice.source_id == "a1")
            page = await client.get(f"/notices/{stored.id}")
            answer = await client.post(f"/notices/{stored.id}/follow",
                                       data={"team": str(team.id), "csrf_token": csrf_of(page.text)})
            assert answer.status_code == 303
            assert "关注中的团队：色谱组" in (await client.get(f"/notices/{stored.id}")).text
        assert amendment.tender_deadline is not None
        clock[0] = amendment.tender_deadline - timedelta(days=2, hours=12)
        assert await ReminderService(bot.store, clock=lambda: clock[0]).tick() == 1
        await bot.drain()
        assert len(robot.posts) == 3 and "截止" in robot.posts[2]["markdown"]["content"]
        # A daily digest, through the same robot.
        queued = await DigestService(bot.store, bot.index, clock=lambda: clock[0]).queue(
            team.id, since=NOW - timedelta(days=1), now=clock[0], key="test", force=True
        )
        assert queued >= 1
        await bot.drain()
        assert len(robot.posts) == 3 + queued


async def test_an_email_team_gets_its_alerts_through_the_outbox(tmp_path: Path) -> None:
    with SmtpStandIn() as smtp:
        settings = web_settings(tmp_path, smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_security="none",
                                smtp_from="alerts@tenderbot.example")
        async with running_bot(settings, store_samples=False) as bot:
            await context_of(bot).teams.create(
                TeamForm(name="采购部", query="质谱 地区:浙江", kind="email", email="bids@zju.example")
            )
            await bot.pipeline.queue_for(await bot.store.notices.upsert(sample_notices(NOW), NOW), NOW)
            await bot.drain()
            assert [m.recipients for m in smtp.mailbox.messages] == [["bids@zju.example"]]
            message = smtp.mailbox.messages[0].message()
            assert "浙江大学质谱仪采购" in str(message["Subject"])
            html_part = message.get_body(("html",))
            assert html_part is not None and 'href="https://www.ccgp.gov.cn/b1.htm"' in html_part.get_content()


async def test_edit_form_round_trip_and_errors_keep_the_input(tmp_path: Path) -> None:
    async with running_bot(web_settings(tmp_path)) as bot, client_for(context_of(bot)) as client:
        await log_in(client)
        team = await context_of(bot).teams.create(
            TeamForm(name="<b>组</b>", query="质谱", kind="wecom", url=WECOM)
        )
        listing = (await client.get("/teams")).text
        assert "&lt;b&gt;组&lt;/b&gt;" in listing and "<b>组</b>" not in listing
        form = await client.get(f"/teams/{team.id}/edit")
        assert form.status_code == 200 and 'value="质谱"' in form.text and "team-key" in form.text
        token = csrf_of(form.text)
        bad = await client.post(f"/teams/{team.id}", data={
            "csrf_token": token, "name": "组2", "query": "质谱 液相", "kind": "wecom", "url": "https://evil.example/x",
        })
        assert bad.status_code == 400 and "qyapi.weixin.qq.com" in bad.text and 'value="质谱 液相"' in bad.text
        good = await client.post(f"/teams/{team.id}", data={
            "csrf_token": token, "name": "组2", "query": "质谱 液相", "kind": "wecom", "url": WECOM,
            "digest_time": "08:30",
        })
        assert good.status_code == 303
        edited = await context_of(bot).teams.teams.get(team.id)
        assert edited is not None and edited.name == "组2" and edited.digest_time == "08:30"
        chat = await bot.store.chats.get(team.id)
        assert chat is not None and chat.digest_time == "08:30" and not chat.instant
        assert (await client.get("/teams/999/edit")).status_code == 404
        assert (await client.get("/teams/abc/edit")).status_code == 404  # not a number: no such team
