"""Who is who across portals: project keys and the key of "the same announcement".

The same notice is often published on ccgp.gov.cn and on a provincial portal. A project is
identified by its normalised project code and buyer; without a code, by a fingerprint of title,
buyer and budget. An announcement within a project is identified by its type plus what tells
two announcements of that type apart (a re-tender has a new deadline, a result names a supplier).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from tenderbot.extract.text import fold
from tenderbot.models import Notice, NoticeType

_CODE_NOISE = re.compile(r"[\s\-_—–/\\()（）\[\]【】.·:：,，#№]+")
_TITLE_SUFFIX = re.compile(
    r"(的)?(公开招标|邀请招标|竞争性谈判|竞争性磋商|询价|单一来源|招标|采购|中标|成交|结果|更正|变更|澄清|终止|废标|流标|"
    r"合同|资格预审|意向|补充|延期)*(公告|公示|通告|信息)?$"
)
_TITLE_NOISE = re.compile(r"[\s()（）\[\]【】:：,，、.\-]+|(第?[一二三四五六七八九十\d]+次|二次|重招|重新招标)")


# Longer normalised codes are stored as a prefix plus a digest (see code_key).
MAX_CODE_KEY = 120


@dataclass(frozen=True, slots=True)
class ProjectIdentity:
    """The parts a project is looked up by."""

    code_key: str | None
    buyer_key: str | None
    fingerprint: str


def code_key(code: str | None) -> str | None:
    """Normalise a project code so ``GXZC2021-G2-005022`` and ``gxzc2021 g2 005022`` agree."""
    if not code:
        return None
    key = _CODE_NOISE.sub("", fold(code)).upper()
    if len(key) > MAX_CODE_KEY:
        # Codes are compared for equality only, so a digest keeps the meaning and the index small
        # (PostgreSQL refuses b-tree entries over ~2.7 kB; a mis-read "code" can be a whole paragraph).
        return key[:40] + "#" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
    return key if len(key) >= 4 else None


def buyer_key(name: str | None) -> str | None:
    """Normalise a buyer name for comparison."""
    if not name:
        return None
    key = re.sub(r"\s+", "", fold(name))
    return key or None


def base_title(title: str | None) -> str:
    """The title without its announcement-type suffix, so 招标公告 and 更正公告 of one project agree."""
    text = fold(title or "")
    previous = None
    while previous != text:
        previous = text
        text = _TITLE_SUFFIX.sub("", text).strip()
    return _TITLE_NOISE.sub("", text)


def project_identity(notice: Notice) -> ProjectIdentity:
    """Compute the identity of the project a notice belongs to."""
    code = notice.original_project_code if notice.notice_type is NoticeType.AMENDMENT else None
    budget = str(notice.budget.amount) if notice.budget else ""
    buyer = buyer_key(notice.buyer.name if notice.buyer else None)
    raw = "|".join((base_title(notice.title), buyer or "", budget))
    return ProjectIdentity(
        code_key=code_key(code or notice.project_code or notice.original_project_code),
        buyer_key=buyer,
        fingerprint=hashlib.sha256(raw.encode("utf-8")).hexdigest()[:40],
    )


def announcement_key(project_id: int, notice: Notice) -> str:
    """The key under which one announcement of a project is stored once, whatever the portal."""
    kind = notice.notice_type
    if kind in (NoticeType.TENDER, NoticeType.PREQUALIFICATION):
        detail = notice.tender_deadline.date().isoformat() if notice.tender_deadline else ""
    elif kind is NoticeType.AMENDMENT:
        when = notice.published_at.date().isoformat() if notice.published_at else ""
        deadline = notice.tender_deadline.isoformat() if notice.tender_deadline else ""
        detail = f"{when}/{deadline}" if when or deadline else notice.content_hash[:12]
    elif kind is NoticeType.AWARD:
        detail = buyer_key(notice.award.supplier if notice.award else None) or ""
    elif kind in (NoticeType.TERMINATION, NoticeType.CONTRACT, NoticeType.INTENTION):
        detail = ""
    else:
        detail = notice.content_hash[:16]
    raw = f"{project_id}:{kind.value}:{detail}"
    return raw if len(raw) <= 120 else f"{project_id}:{kind.value}:" + hashlib.sha256(raw.encode()).hexdigest()[:40]
