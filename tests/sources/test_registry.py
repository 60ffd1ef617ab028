"""Registry: the shipped config loads; bad entries fail with a message naming the entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenderbot.errors import ConfigError
from tenderbot.sources.registry import SOURCE_CLASSES, build_sources, load_source_configs, source_class

CONFIG = Path(__file__).resolve().parents[2] / "config" / "sources.yaml"


def test_shipped_config_loads_and_builds() -> None:
    configs = load_source_configs(CONFIG)
    by_name = {c.name: c for c in configs}
    assert by_name["ccgp-search"].enabled and by_name["ccgp-search"].kind == "ccgp"
    assert by_name["zcy-zhejiang"].enabled and by_name["zcy-guangxi"].enabled
    assert by_name["epoint-jiangxi"].enabled
    assert by_name["ggzy-national"].enabled  # the 2026 getTradList API works against the real sample
    assert not by_name["epoint-jiangsu"].enabled and not by_name["epoint-hebei"].enabled
    assert not by_name["example-hospital-list"].enabled and not by_name["example-feed"].enabled
    sources = build_sources(c for c in configs if c.enabled)
    assert {s.name for s in sources} == {"ccgp-search", "zcy-zhejiang", "zcy-guangxi", "epoint-jiangxi",
                                         "ggzy-national"}
    everything = build_sources(configs)  # a disabled source can still be built for a live check
    assert [s.name for s in everything] == [c.name for c in configs]
    assert all(type(s).kind == c.kind for s, c in zip(everything, configs, strict=True))
    assert {c.kind for c in configs} == {cls.kind for cls in SOURCE_CLASSES}


def test_options_are_read_only() -> None:
    config = load_source_configs(CONFIG)[0]
    with pytest.raises(TypeError):
        config.options["keywords"] = "x"  # type: ignore[index]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("- {name: a, kind: nope}", "unknown source kind 'nope'"),
        ("- {kind: feed, options: {url: http://x}}", "'name' must be a non-empty string"),
        ("- {name: a, kind: feed}", "option 'url' must be a non-empty string"),
        ("- {name: a, kind: feed, url: http://x}", "site-specific settings go under 'options:'"),
        ("- {name: a, kind: feed, interval_seconds: 5, options: {url: u}}", "'interval_seconds' must be"),
        ("- {name: a, kind: feed, enabled: 'yes', options: {url: u}}", "'enabled' must be true or false"),
        ("- {name: a, kind: zcy, options: {base_url: http://x}}", "category_codes"),
        ("- {name: a, kind: html_list, options: {list_url: u, item: 'li[['}}", "invalid CSS selector"),
        ("- {name: a, kind: epoint, options: {}}", "base_url"),
        ("- {name: a, kind: epoint, options: {base_url: u, rows: 0}}", "'rows' must be a positive integer"),
        ("- {name: a, kind: zcy, options: {base_url: u, category_codes: [c], page_size: x}}", "'page_size'"),
        ("- {name: a, kind: ccgp, options: {keywords: {a: 1}}}", "'keywords' must be a list"),
        ("- {name: a, kind: feed, options: {url: 'http://u'}}\n- {name: a, kind: feed, options: {url: 'http://v'}}",
         "duplicate"),
        ("- {name: a, kind: feed, options: {url: /feed.xml}}", "set 'base_url' (scheme + host) too"),
        ("- {name: a, kind: ggzy, options: {list_url: 'http://deal.ggzy.gov.cn/ds/deal/dealList_find.jsp'}}",
         "set 'base_url' instead"),
        ("- {name: a, kind: zcy, options: {base_url: 'zfcg.czt.zj.gov.cn', category_codes: [c]}}",
         "must be scheme + host"),
        ("- {name: a, kind: epoint, options: {base_url: 'http://x', body_format: json}}", "body_format"),
    ],
)
def test_bad_entries_are_reported_with_their_position(tmp_path: Path, entry: str, message: str) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n" + "\n".join("  " + line for line in entry.splitlines()), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_source_configs(path)
    assert message in str(info.value)
    assert "sources[" in str(info.value)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - {name: a, kind: nope}\n  - {name: b, kind: feed}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_source_configs(path)
    assert "sources[0] (a)" in str(info.value) and "sources[1] (b)" in str(info.value)


@pytest.mark.parametrize("text", ["", "sources: 3", "- just a list", "sources: [oops"])
def test_malformed_files(tmp_path: Path, text: str) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError):
        load_source_configs(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_source_configs(tmp_path / "absent.yaml")


def test_source_class_lookup() -> None:
    assert source_class("feed").kind == "feed"
    with pytest.raises(ConfigError, match="known: "):
        source_class("rss")
