"""/sub: the one-line form saves at once; alone it starts a guided flow whose state lives in pending_actions.

Steps: words → exclusions → categories → regions → budget → notice types → review and confirm. Words are
typed (a reply to the panel, which group privacy mode lets the bot see); the rest are buttons. Callback
data is ``w:<token>:<op>[:<arg>]`` (≤ 64 bytes); the token names the pending action, so the flow
resumes after a restart and an expired or finished flow answers politely.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from tenderbot.bot.common import (
    Keyboard,
    edit,
    ensure_chat,
    get_deps,
    lang_of,
    may_change,
    new_token,
    pressed_action,
    reply,
    shown,
)
from tenderbot.bot.subscribe import save_query
from tenderbot.errors import QueryError
from tenderbot.matching.query import parse_query
from tenderbot.matching.vocab import (
    CATEGORY_LABELS,
    CATEGORY_ORDER,
    NOTICE_TYPE_LABELS,
    NOTICE_TYPE_ORDER,
    PROVINCE_ORDER,
)
from tenderbot.notify.render import esc
from tenderbot.store.pending import PendingAction
from tenderbot.texts import t

KIND = "wizard"
STEPS = ("words", "exclude", "categories", "regions", "budget", "types", "review")
CATEGORIES = tuple(CATEGORY_LABELS[c] for c in CATEGORY_ORDER)
TYPES = tuple(NOTICE_TYPE_LABELS[k] for k in NOTICE_TYPE_ORDER)
REGIONS = PROVINCE_ORDER
# (button label, query value); the first means "any budget".
BUDGETS = (("", ""), ("≤50万", "-50万"), ("50万–200万", "50万-200万"), ("200万–500万", "200万-500万"),
           ("500万–1000万", "500万-1000万"), ("≥1000万", "1000万-"))
_CHOICES = {"categories": ("cats", CATEGORIES), "regions": ("regions", REGIONS), "types": ("types", TYPES)}


def fresh_payload() -> dict[str, Any]:
    """The empty state of a guided flow."""
    return {"step": 0, "words": "", "exclude": "", "cats": [], "regions": [], "budget": 0, "types": []}


def compose(payload: dict[str, Any]) -> str:
    """The query text the flow's choices add up to."""
    parts = [str(payload.get("words", "")).strip()]
    parts += ["-" + word for word in str(payload.get("exclude", "")).split()]
    if payload.get("cats"):
        parts.append("类别:" + ",".join(payload["cats"]))
    if payload.get("regions"):
        parts.append("地区:" + ",".join(payload["regions"]))
    budget = BUDGETS[int(payload.get("budget", 0)) % len(BUDGETS)][1]
    if budget:
        parts.append("预算:" + budget)
    if payload.get("types"):
        parts.append("类型:" + ",".join(payload["types"]))
    return " ".join(part for part in parts if part)


def panel(token: str, payload: dict[str, Any], lang: str, error: str = "") -> tuple[str, Keyboard]:
    """The text and buttons of the flow at its current step."""
    index = int(payload["step"])
    step = STEPS[index]
    so_far = compose(payload)
    lines = [t(lang, "wiz_title", step=index + 1, steps=len(STEPS))]
    if error:
        lines.append("❌ " + error)
    rows: Keyboard = []
    if step == "review":
        try:
            query = parse_query(so_far)
        except QueryError as exc:
            lines.append(t(lang, "not_saved", error=esc(exc.message(lang))))
        else:
            canonical, summary = shown(query.canonical(), 1200), shown(query.describe(), 1200)
            lines.append(t(lang, "wiz_review", query=canonical, desc=summary))
            rows.append([(t(lang, "btn_confirm"), f"w:{token}:ok")])
    else:
        lines.append(t(lang, "wiz_so_far", query=esc(so_far)) if so_far else t(lang, "wiz_empty"))
        lines.append("")
        lines.append(t(lang, f"wiz_{step}"))
        rows += _choice_rows(token, step, payload, lang)
    nav = [(t(lang, "btn_back"), f"w:{token}:b")] if index > 0 else []
    if step != "review":
        nav.append((t(lang, "btn_next_step"), f"w:{token}:n"))
    rows.append(nav)
    rows.append([(t(lang, "btn_cancel"), f"w:{token}:x")])
    return "\n".join(lines), rows


def _choice_rows(token: str, step: str, payload: dict[str, Any], lang: str) -> Keyboard:
    """Toggle buttons (✓ marks the chosen ones) or the budget presets."""
    if step == "budget":
        chosen = int(payload.get("budget", 0))
        labels = [label or t(lang, "btn_any_budget") for label, _ in BUDGETS]
        buttons = [(("✓ " if i == chosen else "") + label, f"w:{token}:m:{i}") for i, label in enumerate(labels)]
        return [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    if step not in _CHOICES:
        return []
    field, options = _CHOICES[step]
    picked = set(payload.get(field, []))
    buttons = [(("✓" if o in picked else "") + o, f"w:{token}:t:{i}") for i, o in enumerate(options)]
    width = 6 if step == "regions" else 4
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


async def start_wizard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Open a new guided flow (replacing an unfinished one in this chat)."""
    deps = get_deps(context)
    if not await may_change(update, context):
        return
    chat = await ensure_chat(update, deps)
    assert chat is not None
    await deps.store.pending.drop_kinds(chat.id, (KIND,))
    token = new_token()
    payload = fresh_payload()
    text, rows = panel(token, payload, lang_of(update))
    await deps.store.pending.put(PendingAction(token, chat.id, KIND, payload, deps.clock()))
    await reply(update, text, rows)


async def sub_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/sub <query> saves at once (with a preview); /sub alone starts the guided flow."""
    text = " ".join(context.args or []).strip()
    if not text:
        await start_wizard(update, context)
        return
    saved = await save_query(update, context, text)
    if saved is not None:
        await reply(update, saved[1])


async def on_wizard_button(update: Update, context: ContextTypes.DEFAULT_TYPE, parts: list[str]) -> None:
    """A button of the guided flow: toggle, pick, move, cancel or confirm."""
    deps = get_deps(context)
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    lang = lang_of(update)
    token, op, arg = parts[1], parts[2], (parts[3] if len(parts) > 3 else "")
    action = await pressed_action(update, context, token, KIND)
    if action is None:
        return
    payload = dict(action.payload)
    step = STEPS[int(payload["step"])]
    if op == "x":
        await deps.store.pending.drop(token)
        await query.answer()
        await edit(update, t(lang, "cancelled"))
        return
    if op == "ok":
        saved = await save_query(update, context, compose(payload), checked=True)
        if saved is None:
            return
        await deps.store.pending.drop(token)
        await query.answer()
        await edit(update, saved[1])
        return
    if op == "n":
        payload["step"] = min(int(payload["step"]) + 1, len(STEPS) - 1)
    elif op == "b":
        payload["step"] = max(int(payload["step"]) - 1, 0)
    elif op == "m" and step == "budget" and arg.isdigit() and int(arg) < len(BUDGETS):
        payload["budget"] = int(arg)
    elif op == "t" and step in _CHOICES and arg.isdigit() and int(arg) < len(_CHOICES[step][1]):
        field, options = _CHOICES[step]
        picked = list(payload.get(field, []))
        option = options[int(arg)]
        picked = [p for p in picked if p != option] if option in picked else [*picked, option]
        payload[field] = [o for o in options if o in picked]
    else:
        await query.answer(t(lang, "stale_button"), show_alert=True)
        return
    await deps.store.pending.update(token, payload)
    await query.answer()
    text, rows = panel(token, payload, lang)
    await edit(update, text, rows)


async def on_wizard_text(update: Update, context: ContextTypes.DEFAULT_TYPE, action: PendingAction) -> None:
    """Typed words for the words or exclusions step; checked by the query parser before they are kept."""
    deps = get_deps(context)
    message = update.effective_message
    assert message is not None and message.text is not None
    lang = lang_of(update)
    if not await may_change(update, context):
        return
    payload = dict(action.payload)
    step = STEPS[int(payload["step"])]
    field = "words" if step == "words" else "exclude"
    trial = dict(payload, **{field: message.text.strip()})
    error = ""
    try:
        # A filter stands in for the steps still to come, so "-维修" alone is not "an empty query" yet.
        parse_query(compose(trial) + " 类型:其他")
    except QueryError as exc:
        error = esc(exc.message(lang))
    else:
        payload = dict(trial, step=int(payload["step"]) + 1)
        await deps.store.pending.update(action.token, payload)
    text, rows = panel(action.token, payload, lang, error)
    await reply(update, text, rows)


def wants_text(action: PendingAction) -> bool:
    """Whether the flow is at a step that takes typed words."""
    return STEPS[int(action.payload.get("step", 0))] in ("words", "exclude")

