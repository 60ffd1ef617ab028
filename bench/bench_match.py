"""Benchmark the matcher: 100,000 subscriptions against 10,000 notices on one core, vs a naive loop.

Run: ``python bench/bench_match.py`` (options: --subscriptions, --notices, --naive-sample, --seed).
Subscriptions are made of config/taxonomy.yaml product terms with random regions, budgets, types and
exclusions; notices look like real announcements (title, 项目编号, lots, boilerplate paragraphs).
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import re
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path

import yaml

from tenderbot.extract.text import fold
from tenderbot.matching.engine import Matcher, MatchResult, notice_budget, notice_text
from tenderbot.matching.query import Query, Term, is_short_latin, parse_query
from tenderbot.matching.vocab import PROVINCE_ORDER
from tenderbot.models import Category, Lot, Money, Notice, NoticeType, Party, Region

TAXONOMY = Path(__file__).resolve().parents[1] / "config" / "taxonomy.yaml"
PROVINCES = [p for p in PROVINCE_ORDER if p not in {"台湾", "香港", "澳门", "中央", "兵团"}]
BUYERS = ["人民医院", "中医医院", "妇幼保健院", "疾病预防控制中心", "大学", "职业技术学院", "市场监督管理局",
          "生态环境监测站", "第一人民医院", "儿童医院", "农业科学院", "检验检测中心", "卫生健康委员会"]
CITIES = ["南京市", "苏州市", "杭州市", "宁波市", "济南市", "青岛市", "广州市", "深圳市", "成都市", "武汉市",
          "长沙市", "郑州市", "西安市", "合肥市", "福州市", "昆明市", "南宁市", "贵阳市", "太原市", "沈阳市"]
NEGATIVES = ["维修", "维保", "试剂", "耗材", "租赁", "服务", "改造", "配件"]
GENERIC = ["仪", "仪器", "设备", "系统"]
TYPE_WORDS = ["招标", "更正", "结果", "终止", "意向"]
BOILERPLATE = (
    "一、项目基本情况\n采购方式：公开招标\n最高限价（如有）：同预算\n合同履行期限：合同签订后90日内交货\n"
    "本项目不接受联合体投标。\n二、申请人的资格要求：\n1.满足《中华人民共和国政府采购法》第二十二条规定；\n"
    "2.落实政府采购政策需满足的资格要求：本项目专门面向中小企业采购。\n3.本项目的特定资格要求：无。\n"
    "三、获取招标文件\n时间：2024年05月06日至2024年05月13日，每天上午09:00至12:00，下午14:00至17:00（北京时间，法定节假日除外）\n"
    "地点：政府采购云平台\n方式：在线获取\n售价：0元\n四、提交投标文件截止时间、开标时间和地点\n"
    "2024年05月27日 09点30分（北京时间）\n地点：开标室（一）\n五、公告期限\n自本公告发布之日起5个工作日。\n"
    "六、其他补充事宜\n供应商须在投标截止时间前完成CA数字证书办理。\n七、对本次招标提出询问，请按以下方式联系。\n"
    "1.采购人信息\n联系人：王老师\n联系方式：0512-65223456\n2.采购代理机构信息\n名称：江苏省政府采购中心\n"
    "地址：南京市北京西路68号\n联系方式：025-83638888\n"
)
# Half of the notices also carry a requirements section, so texts run from ~0.7 to ~1.6 k characters
# (the real announcements in tests/fixtures/corpus are 0.1–2.7 k characters of text).
REQUIREMENTS = (
    "八、采购需求\n1.设备用途：用于临床检验及科研工作，要求性能稳定、操作简便。\n"
    "2.技术参数：★2.1 检测速度≥800测试/小时；2.2 样本位≥100个，可连续加样；2.3 试剂位≥60个，具有冷藏功能；\n"
    "2.4 具备急诊优先功能，急诊样本可随时插入；2.5 最小反应体积≤150μl；2.6 具备自动稀释及复查功能；\n"
    "3.售后服务：质保期不少于3年，质保期内免费上门维护，接到报修后2小时内响应，24小时内到达现场；\n"
    "4.交货地点：采购人指定地点；5.验收标准：按国家有关规定及招标文件要求进行验收。\n"
    "6.付款方式：合同签订后支付合同金额的30%，验收合格后支付至95%，余款质保期满后无息支付。\n"
    "九、评标方法：综合评分法。价格分30分，技术分60分，商务分10分。\n"
)
COLUMN_WIDTH = 52


def load_products() -> tuple[list[tuple[Category, list[str]]], dict[str, list[str]]]:
    """Product families (canonical name first, then aliases) from the taxonomy, and a synonym map."""
    data = yaml.safe_load(TAXONOMY.read_text(encoding="utf-8"))
    families: list[tuple[Category, list[str]]] = []
    synonyms: dict[str, list[str]] = {}
    for name, body in data["categories"].items():
        for sub in body.get("subcategories") or ():
            for term in sub["terms"]:
                forms = [str(term["zh"]), *(str(alias) for alias in term.get("aliases") or ())]
                families.append((Category(name), forms))
                for form in forms:
                    synonyms[fold(form)] = forms
    return families, synonyms


def make_query(rng: random.Random, families: list[tuple[Category, list[str]]]) -> str:
    """A realistic subscription: a few product words, maybe exclusions and filters."""
    parts: list[str] = []
    if rng.random() > 0.01:
        for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
            forms = rng.choice(families)[1]
            word = forms[0] if rng.random() < 0.6 else rng.choice(forms)
            parts.append(Term(word, widen=rng.random() < 0.1).spelled())  # quotes -80℃冰箱
        if rng.random() < 0.15:
            parts.append("+" + rng.choice(GENERIC))
        if rng.random() < 0.4:
            parts += ["-" + word for word in rng.sample(NEGATIVES, rng.randint(1, 3))]
    if rng.random() < 0.5 or not parts:
        parts.append("地区:" + ",".join(rng.sample(PROVINCES, rng.randint(1, 3))))
    if rng.random() < 0.35 or not parts:
        low = rng.choice((0, 5, 10, 20, 50, 100))
        high = rng.choice(("", f"{low * 10 + 50}万"))
        parts.append(f"预算:{low}万-{high}" if low else f"预算:-{rng.choice((50, 200))}万")
    if rng.random() < 0.3:
        parts.append("类型:" + ",".join(rng.sample(TYPE_WORDS[:3], rng.randint(1, 2))))
    if rng.random() < 0.2:
        parts.append("类别:" + rng.choice(("仪器", "医疗")))
    return " ".join(parts)


def make_notice(rng: random.Random, families: list[tuple[Category, list[str]]], number: int) -> Notice:
    """A realistic announcement: buyer + products in the title, code, lots, budget, boilerplate."""
    chosen = rng.sample(families, rng.choice((1, 1, 2, 3)))
    products = [rng.choice(forms[:2]) if rng.random() < 0.8 else rng.choice(forms) for _, forms in chosen]
    province = rng.choice(PROVINCES)
    buyer = rng.choice(CITIES) + rng.choice(BUYERS)
    suffix = rng.choice(("公开招标公告", "公开招标公告", "竞争性磋商公告", "更正公告", "中标结果公告"))
    title = f"{buyer}{products[0]}{'等设备' if len(products) > 1 else ''}采购项目{suffix}"
    code = rng.choice((f"JSZC-{rng.randint(3200, 3299)}-2024-{number:05d}", f"GDCT2024{number:05d}",
                       f"ZJ-HZ-{number:04d}-GK", f"[{number}]号"))
    budget = Decimal(rng.randint(5, 2000) * 10_000)
    lots = tuple(
        Lot(number=str(index), name=product, budget=Money(budget / len(products)), quantity=f"{rng.randint(1, 5)}台")
        for index, product in enumerate(products, 1)
    )
    lines = [f"项目编号：{code}", f"项目名称：{title[:-4]}", f"预算金额：{budget / 10_000}万元（人民币）", "采购需求："]
    lines += [f"包{lot.number}：{lot.name}，数量：{lot.quantity}，预算：{lot.budget.amount if lot.budget else ''}元"
              for lot in lots]
    if rng.random() < 0.2:
        lines.append(f"含{rng.choice(NEGATIVES)}及安装调试、培训。")
    kind = {"更正公告": NoticeType.AMENDMENT, "中标结果公告": NoticeType.AWARD}.get(suffix, NoticeType.TENDER)
    return Notice(
        source="bench",
        source_id=str(number),
        title=title,
        notice_type=kind,
        buyer=Party(name=buyer),
        budget=Money(budget) if rng.random() < 0.9 else None,
        lots=lots,
        region=Region(province=province),
        categories=tuple(dict.fromkeys(category for category, _ in chosen)),
        text="\n".join(lines) + "\n" + BOILERPLATE + (REQUIREMENTS if rng.random() < 0.5 else ""),
    )


def _filters_pass(query: Query, notice: Notice, budget: Decimal | None, province: str | None) -> bool:
    """Region, type, category and budget filters of a query against a notice."""
    if query.regions and province not in query.regions:
        return False
    if query.types and notice.notice_type not in query.types:
        return False
    if query.categories and query.categories.isdisjoint(notice.categories):
        return False
    return budget is None or not (
        (query.budget_min is not None and budget < query.budget_min)
        or (query.budget_max is not None and budget > query.budget_max)
    )


class NaiveMatcher:
    """The obvious loop: every subscription checked against every notice, substring by substring."""

    def __init__(self, queries: dict[int, Query], synonyms: Callable[[str], Iterable[str]]) -> None:
        self.queries = queries
        self.synonyms = synonyms
        self.patterns: dict[str, re.Pattern[str]] = {}

    def _words(self, term: Term) -> list[str]:
        """The term and, if widened, its folded synonyms."""
        return [term.text, *(fold(word) for word in self.synonyms(term.text))] if term.widen else [term.text]

    def _occurs(self, word: str, text: str) -> bool:
        """Substring test, whole-token for short Latin words."""
        if is_short_latin(word):
            pattern = self.patterns.get(word)
            if pattern is None:
                pattern = self.patterns[word] = re.compile(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])")
            return pattern.search(text) is not None
        return word in text

    def match(self, notice: Notice) -> list[int]:
        """Ids of the subscriptions the notice satisfies."""
        text = notice_text(notice)
        budget = notice_budget(notice)
        province = notice.region.province if notice.region else None
        found = []
        for subscription_id, query in self.queries.items():
            if not _filters_pass(query, notice, budget, province):
                continue
            if any(self._occurs(w, text) for term in query.none_terms for w in self._words(term)):
                continue
            if not all(any(self._occurs(w, text) for w in self._words(term)) for term in query.all_terms):
                continue
            if query.any_terms and not any(
                self._occurs(w, text) for term in query.any_terms for w in self._words(term)
            ):
                continue
            found.append(subscription_id)
        return sorted(found)


class InvertedIndexMatcher(NaiveMatcher):
    """The sensible loop: words folded once, an inverted index word → subscriptions, each distinct word
    looked for once per notice with ``in``; only subscriptions posted under a hit word are evaluated.

    This is what a careful engineer writes without an automaton. Its cost grows with the vocabulary
    (one substring scan per distinct word per notice), which is where Aho-Corasick earns its keep.
    """

    def __init__(self, queries: dict[int, Query], synonyms: Callable[[str], Iterable[str]]) -> None:
        super().__init__(queries, synonyms)
        self.postings: dict[str, set[int]] = {}
        self.unconditional: list[int] = []
        for subscription_id, query in queries.items():
            for term in (*query.all_terms, *query.any_terms, *query.none_terms):
                for word in self._words(term):
                    self.postings.setdefault(word, set())
            positive = [*query.all_terms, *query.any_terms]
            for term in positive:
                for word in self._words(term):
                    self.postings[word].add(subscription_id)
            if not positive:
                self.unconditional.append(subscription_id)
        self.vocabulary = list(self.postings)

    def match(self, notice: Notice) -> list[int]:
        """Ids of the subscriptions the notice satisfies."""
        text = notice_text(notice)
        hits = {word for word in self.vocabulary if self._occurs(word, text)}
        candidates = set(self.unconditional)
        for word in hits:
            candidates |= self.postings[word]
        budget = notice_budget(notice)
        province = notice.region.province if notice.region else None
        found = []
        for subscription_id in candidates:
            query = self.queries[subscription_id]
            if not _filters_pass(query, notice, budget, province):
                continue
            if any(w in hits for term in query.none_terms for w in self._words(term)):
                continue
            if not all(any(w in hits for w in self._words(term)) for term in query.all_terms):
                continue
            if query.any_terms and not any(w in hits for term in query.any_terms for w in self._words(term)):
                continue
            found.append(subscription_id)
        return sorted(found)


def user_vocabulary(rng: random.Random, size: int) -> list[str]:
    """Distinct words as users write them: product stems with makers' series, models and spec words."""
    stems = ["监护仪", "呼吸机", "色谱仪", "质谱仪", "显微镜", "离心机", "培养箱", "分析仪", "超声", "内窥镜",
             "除颤仪", "输液泵", "光谱仪", "测定仪", "检测仪", "灭菌器", "工作站", "采样器", "电泳仪", "天平"]
    prefixes = ["全自动", "便携式", "高通量", "智能", "数字化", "台式", "落地式", "荧光", "激光", "多参数"]
    words: set[str] = set()
    while len(words) < size:
        letters = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(rng.randint(2, 3)))
        model = f"{letters}{rng.randint(10, 9999)}"
        words.add(rng.choice((f"{model}{rng.choice(stems)}", f"{rng.choice(prefixes)}{model}",
                              f"{rng.choice(prefixes)}{rng.choice(stems)}{model}")))
    return sorted(words)


def vocabulary_workload(
    rng: random.Random, families: list[tuple[Category, list[str]]], args: argparse.Namespace
) -> list[tuple[str, str]]:
    """Subscriptions written from a large user vocabulary: the engine vs the sensible loop, same run."""
    vocabulary = user_vocabulary(rng, args.user_vocabulary)
    queries = {
        index: parse_query(" ".join(rng.sample(vocabulary, rng.choice((1, 1, 2, 3)))))
        for index in range(args.subscriptions)
    }
    notices = []
    for number in range(args.vocabulary_notices):
        base = make_notice(rng, families, number)
        mentioned = "、".join(rng.sample(vocabulary, rng.randint(1, 4)))
        notices.append(Notice(**{**base.__dict__, "text": f"{base.text}\n采购清单：{mentioned}"})
                       if hasattr(base, "__dict__") else replace_text(base, mentioned))
    engine = Matcher()
    for subscription_id, query in queries.items():
        engine.add(subscription_id, query)
    engine.compile()
    loop = InvertedIndexMatcher(queries, lambda term: ())
    with Stopwatch() as engine_time:
        engine_ids = [[r.subscription_id for r in engine.match(item)] for item in notices]
    sample = notices[: args.naive_sample]
    with Stopwatch() as loop_time:
        loop_ids = [loop.match(item) for item in sample]
    per_loop = loop_time.cpu / len(sample)
    per_engine = engine_time.cpu / len(notices)
    label = f"{args.user_vocabulary:,}-word user vocabulary, {args.subscriptions:,} subscriptions"
    return [
        (label, f"{len(loop.vocabulary):,} distinct words in use"),
        (f"  engine, {len(notices):,} notices", f"{per_engine * 1000:.2f} ms CPU per notice"),
        (f"  sensible loop, {len(sample)} notices", f"{per_loop * 1000:.2f} ms CPU per notice"),
        ("  speed-up vs the sensible loop (CPU)", f"{per_loop / per_engine:.0f}×"),
        ("  engine agrees with the loop on the sample", "yes" if engine_ids[: len(sample)] == loop_ids else "NO"),
    ]


def replace_text(notice: Notice, mentioned: str) -> Notice:
    """The notice with a purchase list naming some vocabulary words appended to its text."""
    from dataclasses import replace

    return replace(notice, text=f"{notice.text}\n采购清单：{mentioned}")


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Stopwatch:
    """Wall-clock and CPU time of a block (CPU time is what other load on the machine disturbs least)."""

    def __enter__(self) -> Stopwatch:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    def __str__(self) -> str:
        return f"{self.wall:.2f} s wall, {self.cpu:.2f} s CPU"


def main(argv: list[str] | None = None) -> None:
    """Generate data, time compile / match / naive loop / churn, and print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscriptions", type=int, default=100_000)
    parser.add_argument("--notices", type=int, default=10_000)
    parser.add_argument("--naive-sample", type=int, default=100)
    parser.add_argument("--churn-cycles", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20240506)
    parser.add_argument("--user-vocabulary", type=int, default=50_000, help="0 skips the user-vocabulary workload")
    parser.add_argument("--vocabulary-notices", type=int, default=2_000)
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the target says
    rng = random.Random(args.seed)
    families, synonym_map = load_products()

    def synonyms(term: str) -> list[str]:
        return synonym_map.get(term, [])

    rows: list[tuple[str, str]] = []
    with Stopwatch() as parsing:
        queries = {index: parse_query(make_query(rng, families)) for index in range(args.subscriptions)}
    notices = [make_notice(rng, families, number) for number in range(args.notices)]
    mean_length = statistics.mean(len(notice_text(item)) for item in notices)
    gc.collect()
    rss_before = peak_rss_mib()
    rows.append(("subscriptions / notices", f"{len(queries):,} / {len(notices):,}"))
    rows.append(("product families (config/taxonomy.yaml)", f"{len(families):,}"))
    rows.append(("mean notice text length", f"{mean_length:,.0f} characters"))
    rows.append(("parse_query, all subscriptions", str(parsing)))

    matcher = Matcher(synonyms)
    with Stopwatch() as adding:
        for subscription_id, query in queries.items():
            matcher.add(subscription_id, query)
    with Stopwatch() as building:
        matcher.compile()
    rows.append(("compile: add() all subscriptions", str(adding)))
    rows.append(("compile: build the automaton", f"{building.wall:.3f} s wall"))

    per_notice: list[int] = []
    with Stopwatch() as matching:
        for item in notices:
            per_notice.append(len(matcher.match(item)))
    rows.append((f"match all {len(notices):,} notices", f"{matching}  (target ≤ 10 s)"))
    rate = f"{len(notices) / matching.wall:,.0f} wall, {len(notices) / matching.cpu:,.0f} CPU"
    rows.append(("notices per second", rate))
    rows.append(("matches per notice: mean / median / max",
                 f"{statistics.mean(per_notice):.1f} / {statistics.median(per_notice):.0f} / {max(per_notice)}"))
    rows.append(("peak RSS: before matcher → after matching", f"{rss_before:.0f} → {peak_rss_mib():.0f} MiB"))

    sample = notices[: args.naive_sample]
    naive = NaiveMatcher(queries, synonyms)
    with Stopwatch() as naive_time:
        naive_ids = [naive.match(item) for item in sample]
    with Stopwatch() as engine_time:
        engine_ids = [[result.subscription_id for result in matcher.match(item)] for item in sample]
    naive_total = naive_time.cpu / len(sample) * len(notices)
    rows.append((f"naive loop, measured on {len(sample)} notices", str(naive_time)))
    rows.append((f"naive loop, extrapolated to {len(notices):,}", f"{naive_total:,.0f} s CPU (extrapolated)"))
    rows.append(("speed-up vs naive, same sample (CPU)", f"{naive_time.cpu / engine_time.cpu:.0f}×  (target ≥ 50×)"))
    rows.append(("speed-up vs naive, whole run (CPU, extrap.)", f"{naive_total / matching.cpu:.0f}×"))
    rows.append(("engine agrees with naive on the sample", "yes" if naive_ids == engine_ids else "NO"))
    sensible = InvertedIndexMatcher(queries, synonyms)
    with Stopwatch() as sensible_time:
        sensible_ids = [sensible.match(item) for item in sample]
    rows.append((f"sensible inverted-index loop, {len(sample)} notices", str(sensible_time)))
    rows.append(("speed-up vs the sensible loop, same sample (CPU)",
                 f"{sensible_time.cpu / engine_time.cpu:.1f}×  ({len(sensible.vocabulary):,} distinct words)"))
    rows.append(("sensible loop agrees with naive", "yes" if sensible_ids == naive_ids else "NO"))

    churn: list[float] = []
    next_id = args.subscriptions
    builds_before = matcher._scanner.full_builds
    for cycle in range(args.churn_cycles):
        started = time.perf_counter()
        for _ in range(5):
            matcher.remove(rng.randrange(args.subscriptions))
            # A brand-new word each time, so the secondary automaton really changes.
            matcher.add(next_id, f"{rng.choice(families)[1][0]}{cycle}型 地区:江苏")
            next_id += 1
        matcher.match(notices[cycle % len(notices)])
        churn.append(time.perf_counter() - started)
    rows.append((f"churn: 5 removes + 5 adds + 1 match, {args.churn_cycles}×",
                 f"mean {statistics.mean(churn) * 1000:.1f} ms, max {max(churn) * 1000:.1f} ms wall, "
                 f"{matcher._scanner.full_builds - builds_before} full rebuild(s)"))

    distinct = Matcher()
    for index in range(args.subscriptions):
        distinct.add(index, Query(any_terms=(Term(f"{rng.choice(families)[1][0]}{index}"),)))
    with Stopwatch() as rebuilding:
        distinct.compile()
    rows.append((f"full rebuild, {args.subscriptions:,} distinct keywords", str(rebuilding)))
    del distinct

    gc.collect()
    tracemalloc.start()
    traced = Matcher(synonyms)
    for subscription_id, query in queries.items():
        traced.add(subscription_id, query)
    traced.compile()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rows.append(("matcher memory (tracemalloc peak of a build)", f"{peak / 2**20:.0f} MiB of Python objects"))

    # How fast this machine runs CPython right now, to compare runs made under different load.
    with Stopwatch() as calibration:
        for index in range(200_000):
            MatchResult(index, ("ct",))
    rows.append(("calibration: one frozen-dataclass construction", f"{calibration.cpu / 200_000 * 1e6:.2f} µs CPU"))

    if args.user_vocabulary:
        rows.extend(vocabulary_workload(rng, families, args))

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"bench_match: python {sys.version.split()[0]}, one core, seed {args.seed}, load average {load:.1f}")
    print("-" * 100)
    for label, value in rows:
        print(f"{label:<{COLUMN_WIDTH}} {value}")


if __name__ == "__main__":
    main()
