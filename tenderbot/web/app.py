"""The console's ASGI app (Starlette): routes, login, CSRF; every page rendered by autoescaping Jinja2."""

from __future__ import annotations

import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tenderbot.errors import ConfigError, NotifyError, QueryError
from tenderbot.models import Notice
from tenderbot.notify.render import METHOD_NAMES, TYPE_NAMES, budget_of, deadline_text, money_text, region_text
from tenderbot.services.export import EXPORTS
from tenderbot.services.search import Hit, SortOrder, paginate, search
from tenderbot.services.teams import TeamForm, TeamService, destination_label
from tenderbot.sources.base import CheckReport, Source
from tenderbot.store.repos import Store
from tenderbot.web.i18n import TEXTS, pick_language
from tenderbot.web.security import CSRF_FIELD, LoginLimiter, csrf_ok, csrf_token, password_matches

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
PER_PAGE = 25
# How far back a search looks (first seen): a month covers a tender's whole bidding period by default, and
# keeps a search from decoding the whole retention window on every keystroke.
WINDOWS: dict[str, timedelta | None] = {
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "90d": timedelta(days=90),
    "all": None,
}
DEFAULT_WINDOW = "30d"
# A search reads and matches every notice of its window (bench/bench_search.py: ~9k notices/s on a busy
# 2-core machine), so the pages and the exports of one search reuse its result for a minute.
SEARCH_CACHE_SECONDS = 60.0
SEARCH_CACHE_SIZE = 16
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"]
OPEN_PATHS = ("/login", "/healthz", "/static/")


@dataclass
class WebContext:
    """What the console needs from the running service (built by ``tenderbot.web.server``)."""

    store: Store
    teams: TeamService
    sources: Sequence[Source]
    clock: Callable[[], datetime]
    tz: ZoneInfo
    password: str
    poll_now: Callable[[str], Awaitable[None]]
    check_source: Callable[[str], Awaitable[CheckReport]]
    next_poll: Callable[[str], datetime | None] = lambda _name: None
    synonyms: Callable[[str], Any] | None = None
    email_enabled: bool = False
    listen_host: str = "127.0.0.1"
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    limiter: LoginLimiter = field(default_factory=LoginLimiter)


def problem(exc: Exception, lang: str) -> str:
    """What is wrong with a form, in the reader's language where the error has one."""
    return exc.message(lang) if isinstance(exc, QueryError) else str(exc)


def _environment() -> Environment:
    """Autoescaping for every template: portal text is untrusted."""
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def create_app(ctx: WebContext) -> Starlette:
    """The console app over a context; without a password it answers loopback Host names only."""
    templates = Jinja2Templates(env=_environment())

    def lang_of(request: Request) -> str:
        return pick_language(request.headers.get("accept-language", ""))

    def page(request: Request, template: str, status_code: int = 200, **values: Any) -> Response:
        lang = lang_of(request)
        context = {
            "t": TEXTS[lang],
            "lang": lang,
            "csrf": csrf_token(request),
            "csrf_field": CSRF_FIELD,
            "no_password": not ctx.password,
            "logged_in": bool(request.session.get("user")) or not ctx.password,
            **values,
        }
        return templates.TemplateResponse(request, template, context, status_code=status_code)

    def view(notice: Notice, now: datetime, lang: str) -> dict[str, Any]:
        """The text of one result row."""
        deadline = notice.tender_deadline
        return {
            "budget": money_text(budget_of(notice), lang),
            "deadline": deadline_text(deadline, now, ctx.tz, lang),  # "未注明" / "not stated" when None
            "closed": deadline is not None and deadline <= now,
            "type": TYPE_NAMES[lang][notice.notice_type],
            "method": METHOD_NAMES[lang][notice.procurement_method] if notice.procurement_method else "",
            "region": region_text(notice) or "",  # province and city, as the alerts show them
            "buyer": (notice.buyer.name or "") if notice.buyer else "",
        }

    def local(value: datetime | None) -> str:
        return value.astimezone(ctx.tz).strftime("%Y-%m-%d %H:%M") if value else ""

    templates.env.filters["local"] = local

    async def guard(request: Request) -> Response | None:
        """Login required (when a password is set); every POST must carry the session's CSRF token."""
        path = request.url.path
        if ctx.password and not request.session.get("user") and not path.startswith(OPEN_PATHS):
            if request.headers.get("hx-request"):
                return Response(status_code=401, headers={"HX-Redirect": "/login"})
            return RedirectResponse("/login", status_code=303)
        if request.method == "POST" and not await csrf_ok(request):
            return page(request, "error.html", 403, message=TEXTS[lang_of(request)]["csrf_failed"])
        return None

    def guarded(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        async def wrapped(request: Request) -> Response:
            refused = await guard(request)
            return refused if refused is not None else await handler(request)

        wrapped.__doc__ = handler.__doc__
        return wrapped

    # --- login ----------------------------------------------------------------------------------

    async def login_form(request: Request) -> Response:
        if not ctx.password or request.session.get("user"):
            return RedirectResponse("/notices", status_code=303)
        return page(request, "login.html")

    async def login(request: Request) -> Response:
        if not await csrf_ok(request):
            return page(request, "login.html", 403, error=TEXTS[lang_of(request)]["csrf_failed"])
        if not ctx.password:
            return RedirectResponse("/notices", status_code=303)
        client = request.client.host if request.client else "?"
        wait = ctx.limiter.retry_after(client)
        t = TEXTS[lang_of(request)]
        if wait > 0:
            log.warning("web console: login attempts from %s throttled", client)
            return page(
                request, "login.html", 429, error=t["login_throttled"].format(seconds=int(wait) + 1)
            )
        form = await request.form()
        given = form.get("password", "")
        if not isinstance(given, str) or not password_matches(given, ctx.password):
            ctx.limiter.failed(client)
            log.info("web console: failed login from %s", client)
            return page(request, "login.html", 401, error=t["login_failed"])
        ctx.limiter.succeeded(client)
        request.session.clear()  # a fresh session (and CSRF token) after login: no fixation
        request.session["user"] = "team"
        return RedirectResponse("/notices", status_code=303)

    async def logout(request: Request) -> Response:
        request.session.clear()
        return RedirectResponse("/login" if ctx.password else "/notices", status_code=303)

    # --- health ---------------------------------------------------------------------------------

    async def healthz(request: Request) -> Response:
        """Sources' health as JSON (no login: for monitoring)."""
        now = ctx.clock()
        entries = []
        for source in ctx.sources:
            state = await ctx.store.sources.load(source.name)
            backing_off = state.backoff_until is not None and state.backoff_until > now
            entries.append(
                {
                    "name": source.name,
                    "kind": source.config.kind,
                    "ok": state.failures == 0,
                    "failures": state.failures,
                    "last_success": state.last_success.isoformat() if state.last_success else None,
                    "backoff_until": state.backoff_until.isoformat() if backing_off and state.backoff_until else None,
                }
            )
        healthy = all(e["ok"] for e in entries)
        return JSONResponse({"status": "ok" if healthy else "degraded", "sources": entries})

    # --- notices --------------------------------------------------------------------------------

    def search_args(request: Request) -> tuple[str, SortOrder, int, str]:
        q = request.query_params.get("q", "")[:2000]
        window = request.query_params.get("since", DEFAULT_WINDOW)
        window = window if window in WINDOWS else DEFAULT_WINDOW
        try:
            order = SortOrder(request.query_params.get("sort", SortOrder.DEADLINE.value))
        except ValueError:
            order = SortOrder.DEADLINE
        try:
            number = int(request.query_params.get("page", "1"))
        except ValueError:
            number = 1
        return q, order, number, window

    results: OrderedDict[tuple[str, str, SortOrder], tuple[float, list[Hit]]] = OrderedDict()

    async def cached_search(q: str, window: str, order: SortOrder, *, fresh: bool = False) -> list[Hit]:
        """A search, reused for a short while: paging and exporting what is on screen do not search again."""
        key = (q, window, order)
        found = results.get(key)
        if not fresh and found is not None and time.monotonic() - found[0] < SEARCH_CACHE_SECONDS:
            return found[1]
        hits = await search(ctx.store.notices, q, now=ctx.clock(), since=WINDOWS[window], order=order,
                            synonyms=ctx.synonyms)
        results[key] = (time.monotonic(), hits)
        results.move_to_end(key)
        while len(results) > SEARCH_CACHE_SIZE:
            results.popitem(last=False)
        return hits

    async def notices(request: Request) -> Response:
        lang = lang_of(request)
        q, order, number, window = search_args(request)
        now = ctx.clock()
        error = None
        rows: list[dict[str, Any]] = []
        result = paginate([], 1, PER_PAGE)
        try:
            hits = await cached_search(q, window, order, fresh=number == 1)  # a new search reads anew
        except QueryError as exc:
            error = TEXTS[lang]["bad_query"].format(error=exc.message(lang))
        else:
            result = paginate(hits, number, PER_PAGE)
            rows = [{"hit": hit, **view(hit.stored.notice, now, lang)} for hit in result.hits]
        partial = bool(request.headers.get("hx-request"))
        template = "_results.html" if partial else "notices.html"
        # htmx swaps only successful answers: a partial says what is wrong with a 200.
        status = 400 if error and not partial else 200
        return page(request, template, status, q=q, order=order.value, result=result, rows=rows, error=error,
                    orders=[o.value for o in SortOrder], since=window, windows=list(WINDOWS))

    async def export(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        if fmt not in EXPORTS:
            return page(request, "error.html", 404, message=TEXTS[lang_of(request)]["not_found"])
        q, order, _number, window = search_args(request)
        try:
            hits = await cached_search(q, window, order)
        except QueryError as exc:
            return Response(exc.message(lang_of(request)), status_code=400, media_type="text/plain; charset=utf-8")
        render, media_type = EXPORTS[fmt]
        stamp = ctx.clock().astimezone(ctx.tz).strftime("%Y%m%d-%H%M")
        return Response(
            render(hits, ctx.tz),
            media_type=media_type,
            headers={"Content-Disposition": f'attachment; filename="tenderbot-{stamp}.{fmt}"'},
        )

    async def notice_page(request: Request) -> Response:
        lang = lang_of(request)
        stored = await ctx.store.notices.get(request.path_params["notice_id"])
        if stored is None:
            return page(request, "error.html", 404, message=TEXTS[lang]["not_found"])
        now = ctx.clock()
        announcements = await ctx.store.notices.project_notices(stored.project_id)
        thread = [{"stored": s, **view(s.notice, now, lang)} for s in announcements]
        n = stored.notice
        teams = await ctx.teams.teams.all()
        following = set(await ctx.store.chats.followers(stored.project_id))
        return page(
            request,
            "notice.html",
            stored=stored,
            teams=teams,
            following=[team for team in teams if team.id in following],
            flash=request.query_params.get("flash", ""),
            n=n,
            row=view(n, now, lang),
            thread=thread,
            max_price=money_text(n.max_price, lang) if n.max_price else "",
            award_amount=money_text(n.award.amount, lang) if n.award and n.award.amount else "",
            lots=[{"lot": lot, "budget": money_text(lot.budget, lang) if lot.budget else ""} for lot in n.lots],
            safe_url=n.url if n.url.startswith(("http://", "https://")) else "",
        )

    async def follow(request: Request) -> Response:
        """A team follows the notice's project: deadline reminders, amendments and results reach it."""
        stored = await ctx.store.notices.get(int(request.path_params["notice_id"]))
        form = await request.form()
        raw = form.get("team", "")
        team = await ctx.teams.teams.get(int(raw)) if isinstance(raw, str) and raw.isdigit() else None
        if stored is None or team is None:
            return page(request, "error.html", 404, message=TEXTS[lang_of(request)]["not_found"])
        await ctx.store.chats.follow(team.id, stored.project_id, stored.id, ctx.clock())
        return RedirectResponse(f"/notices/{stored.id}?flash=followed", status_code=303)

    # --- team subscriptions ---------------------------------------------------------------------

    def form_of(values: Any) -> TeamForm:
        def get(key: str) -> str:
            value = values.get(key, "")
            return value if isinstance(value, str) else ""

        return TeamForm(
            name=get("name"), query=get("query"), kind=get("kind") or "wecom", url=get("url"),
            secret=get("secret"), email=get("email"), digest_time=get("digest_time"),
        )

    async def teams_page(request: Request, status: int = 200, **values: Any) -> Response:
        items = [
            {"team": team, "where": destination_label(team.destination)} for team in await ctx.teams.teams.all()
        ]
        values.setdefault("form", TeamForm(name="", query="", kind="wecom"))
        return page(request, "teams.html", status, teams=items, email_enabled=ctx.email_enabled,
                    flash=request.query_params.get("flash", ""), **values)

    async def teams(request: Request) -> Response:
        return await teams_page(request)

    async def create_team(request: Request) -> Response:
        form = form_of(await request.form())
        try:
            await ctx.teams.create(form, lang_of(request))
        except (QueryError, ConfigError) as exc:
            return await teams_page(request, 400, form=form, error=problem(exc, lang_of(request)))
        return RedirectResponse("/teams?flash=saved", status_code=303)

    def team_id(request: Request) -> int:
        try:
            return int(request.path_params["team_id"])
        except ValueError:
            return -1

    async def edit_team_form(request: Request) -> Response:
        team = await ctx.teams.teams.get(team_id(request))
        if team is None:
            return page(request, "error.html", 404, message=TEXTS[lang_of(request)]["not_found"])
        d = team.destination
        form = TeamForm(
            name=team.name, query=team.subscription.query, kind=str(d.get("kind", "wecom")),
            url=str(d.get("url", "")), email=str(d.get("to", "")), digest_time=team.digest_time or "",
        )
        return page(request, "team_edit.html", team=team, form=form, email_enabled=ctx.email_enabled)

    async def edit_team(request: Request) -> Response:
        number = team_id(request)
        team = await ctx.teams.teams.get(number)
        if team is None:
            return page(request, "error.html", 404, message=TEXTS[lang_of(request)]["not_found"])
        form = form_of(await request.form())
        try:
            await ctx.teams.edit(number, form)
        except (QueryError, ConfigError) as exc:
            return page(request, "team_edit.html", 400, team=team, form=form, error=problem(exc, lang_of(request)),
                        email_enabled=ctx.email_enabled)
        return RedirectResponse("/teams?flash=saved", status_code=303)

    async def team_action(request: Request) -> Response:
        number = team_id(request)
        action = request.path_params["action"]
        lang = lang_of(request)
        if action == "test":
            try:
                what = await ctx.teams.send_test(number, ctx.tz)
            except (NotifyError, ConfigError) as exc:
                message, ok = TEXTS[lang]["test_failed"].format(error=str(exc)), False
            else:
                message, ok = TEXTS[lang]["test_sent"].format(what=what), True
            # 200 either way: htmx swaps only successful answers, and the message says what happened.
            return page(request, "_flash.html", message=message, ok=ok)
        if action in ("pause", "resume"):
            done = await ctx.teams.set_active(number, action == "resume")
        elif action == "delete":
            done = await ctx.teams.delete(number)
        else:
            done = False
        if not done:
            return page(request, "error.html", 404, message=TEXTS[lang]["not_found"])
        flash = "deleted" if action == "delete" else "saved"
        return RedirectResponse(f"/teams?flash={flash}", status_code=303)

    async def preview(request: Request) -> Response:
        q = request.query_params.get("query", "")[:2000]
        lang = lang_of(request)
        if not q.strip():
            return page(request, "_preview.html", hint=True)
        try:
            count, hits = await ctx.teams.preview(q)
        except QueryError as exc:
            return page(request, "_preview.html", error=exc.message(lang))
        now = ctx.clock()
        rows = [{"hit": hit, **view(hit.stored.notice, now, lang)} for hit in hits]
        return page(request, "_preview.html", count=count, rows=rows)

    # --- sources --------------------------------------------------------------------------------

    async def sources(request: Request) -> Response:
        lang = lang_of(request)
        now = ctx.clock()
        counts = await ctx.store.notices.counts_by_source_since(now - timedelta(hours=24))
        rows = []
        for source in ctx.sources:
            state = await ctx.store.sources.load(source.name)
            backing_off = state.backoff_until if state.backoff_until and state.backoff_until > now else None
            rows.append(
                {
                    "name": source.name,
                    "kind": source.config.kind,
                    "state": state,
                    "backing_off": backing_off,
                    "next_poll": ctx.next_poll(source.name),
                    "count": counts.get(source.name, 0),
                }
            )
        return page(request, "sources.html", rows=rows, flash=request.query_params.get("flash", ""), lang_code=lang)

    def known_source(request: Request) -> str | None:
        name = request.path_params["name"]
        return name if any(s.name == name for s in ctx.sources) else None

    async def poll_now(request: Request) -> Response:
        name = known_source(request)
        if name is None:
            return page(request, "error.html", 404, message=TEXTS[lang_of(request)]["not_found"])
        await ctx.poll_now(name)
        return RedirectResponse("/sources?flash=poll_started", status_code=303)

    async def check(request: Request) -> Response:
        name = known_source(request)
        if name is None:
            return page(request, "error.html", 404, message=TEXTS[lang_of(request)]["not_found"])
        report = await ctx.check_source(name)
        return page(request, "_check.html", source_name=name, report=report)

    async def home(request: Request) -> Response:
        return RedirectResponse("/notices", status_code=303)

    routes = [
        Route("/", guarded(home)),
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", guarded(logout), methods=["POST"]),
        Route("/healthz", healthz),
        Route("/notices", guarded(notices)),
        Route("/notices.{fmt}", guarded(export)),
        Route("/notices/{notice_id:int}", guarded(notice_page)),
        Route("/notices/{notice_id:int}/follow", guarded(follow), methods=["POST"]),
        Route("/teams", guarded(teams), methods=["GET"]),
        Route("/teams", guarded(create_team), methods=["POST"]),
        Route("/teams/preview", guarded(preview)),
        Route("/teams/{team_id}/edit", guarded(edit_team_form), methods=["GET"]),
        Route("/teams/{team_id}", guarded(edit_team), methods=["POST"]),
        Route("/teams/{team_id}/{action}", guarded(team_action), methods=["POST"]),
        Route("/sources", guarded(sources)),
        Route("/sources/{name}/poll", guarded(poll_now), methods=["POST"]),
        Route("/sources/{name}/check", guarded(check), methods=["POST"]),
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [
        Middleware(
            SessionMiddleware,
            secret_key=ctx.secret_key,
            session_cookie="tenderbot_session",
            max_age=12 * 3600,
            same_site="lax",
        )
    ]
    if not ctx.password:
        # No login: only browsers that name this machine may talk to it (no DNS rebinding from a web page).
        middleware.insert(0, Middleware(TrustedHostMiddleware, allowed_hosts=[*LOOPBACK_HOSTS, ctx.listen_host]))
    middleware.insert(0, Middleware(SecurityHeaders))
    return Starlette(routes=routes, middleware=middleware)


# Scripts only from the console itself (htmx and console.js, no inline script), no framing, no MIME sniffing.
# htmx adds its indicator styles inline, hence 'unsafe-inline' for styles only.
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
     b"img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]


class SecurityHeaders:
    """Adds the console's security headers to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the response start."""
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self._app(scope, receive, with_headers)
