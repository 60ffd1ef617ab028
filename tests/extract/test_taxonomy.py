"""Taxonomy loading, synonyms, token rules, negatives/overrides and category decisions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tenderbot.errors import ConfigError
from tenderbot.extract.taxonomy import DEFAULT_TAXONOMY_PATH, Taxonomy, load_taxonomy
from tenderbot.models import Category

INS, MED = Category.INSTRUMENT, Category.MEDICAL


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    """The shipped taxonomy (config/taxonomy.yaml)."""
    return load_taxonomy(DEFAULT_TAXONOMY_PATH)


def test_load_is_cached_per_path(taxonomy: Taxonomy) -> None:
    assert load_taxonomy(DEFAULT_TAXONOMY_PATH) is taxonomy


def test_synonyms(taxonomy: Taxonomy) -> None:
    assert {"液相色谱仪", "hplc", "高效液相色谱仪"} <= taxonomy.synonyms("HPLC")
    assert "彩色多普勒超声诊断仪" in taxonomy.synonyms("彩超")
    assert taxonomy.synonyms("彩超") == taxonomy.synonyms("彩色多普勒超声诊断系统")
    assert taxonomy.synonyms("办公桌") == frozenset()
    # Traditional script and full-width letters fold to the same entry.
    assert taxonomy.synonyms("ＨＰＬＣ") == taxonomy.synonyms("HPLC")
    assert taxonomy.synonyms("液相色譜儀") == taxonomy.synonyms("液相色谱仪")


@pytest.mark.parametrize(
    ("title", "categories", "terms"),
    [
        ("宁波市公安局三重四极杆液相色谱质谱联用仪等毒品实验室检测装备采购项目", (INS,),
         ("三重四极杆液相色谱质谱联用仪",)),
        ("某医院256排CT采购项目", (MED,), ("CT",)),
        ("某县人民医院移动DR采购", (MED,), ("DR",)),
        ("某大学核磁共振波谱仪采购", (INS,), ("核磁共振波谱仪",)),
        ("某医院3.0T核磁共振采购", (MED,), ("磁共振成像系统",)),
        ("化学发光免疫分析仪及配套试剂采购项目", (MED,), ("化学发光免疫分析仪",)),
        ("药品冷藏箱采购", (MED,), ("医用冷藏箱",)),
        ("2026年医疗设备采购项目(第三批)", (MED,), ("医疗设备",)),
        ("某医院手术显微镜采购", (MED,), ("手术显微镜",)),
        ("某大学倒置荧光显微镜采购", (INS,), ("荧光显微镜",)),
    ],
)
def test_categories_from_titles(taxonomy: Taxonomy, title: str, categories: tuple[Category, ...],
                                terms: tuple[str, ...]) -> None:
    decision = taxonomy.classify(title)
    assert decision.categories == categories
    assert decision.terms == terms


@pytest.mark.parametrize(
    "title",
    [
        "心脏彩超维保服务项目",  # service for a scanner
        "某人民医院CT维修服务",
        "某医院2024年物业管理服务项目",  # facility services, even from a hospital
        "某市第一人民医院药品采购",  # drugs only
        "检验试剂采购项目",  # reagents only
        "GDCT2024-001号办公用品采购",  # CT inside a project code
        "某医院空调设备采购",  # construction/IT needs a product word, 设备采购 does not save it
        "关于暂停与某医疗器械有限公司合作的通知",  # a company name, not a purchase
    ],
)
def test_out_of_scope_titles_get_no_category(taxonomy: Taxonomy, title: str) -> None:
    assert taxonomy.classify(title, buyer="某人民医院").categories == ()


def test_weak_generic_needs_a_purchaser_hint(taxonomy: Taxonomy) -> None:
    assert taxonomy.classify("实验室检测设备采购").categories == ()
    assert taxonomy.classify("实验室检测设备采购", buyer="某市疾病预防控制中心").categories == (INS,)
    assert taxonomy.classify("设备采购项目(二次)", buyer="六盘水市人民医院").categories == (MED,)
    # A university lab (even a 医科大学 one) buying 设备 buys instruments.
    assert taxonomy.classify("细胞药物GMP实验室生产核心系统设备采购项目", buyer="天津医科大学").categories == (INS,)
    assert taxonomy.classify("办公设备采购项目").categories == ()


def test_bundle_title_uses_the_subject(taxonomy: Taxonomy) -> None:
    subject = "包号 | 设备名称\n1 | 心电监护仪与中央监护系统\n2 | 多功能酶标仪"
    decision = taxonomy.classify("某医院采购项目", subject=subject, buyer="某医院")
    assert decision.categories == (INS, MED)
    assert decision.terms == ("监护仪", "酶标仪")


def test_token_rule_in_scan(taxonomy: Taxonomy) -> None:
    hits = taxonomy.scan("项目编号gdct2024 移动dr dr机 256排ct pcr仪 ct")
    assert [(hit.pattern, hit.start) for hit in hits] == [
        ("移动dr", 13), ("dr机", 18), ("256排ct", 22), ("pcr仪", 29), ("ct", 34)]
    assert taxonomy.scan("项目编号gdct2024 dr2024-01 ctdna") == []


def test_bad_taxonomy_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_taxonomy(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("categories: [1, 2", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_taxonomy(broken)
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("categories:\n  instrument:\n    subcategories: [{terms: [{aliases: [x]}]}]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="malformed"):
        load_taxonomy(wrong)


def test_small_custom_taxonomy(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        "categories:\n  medical:\n    subcategories:\n      - terms: [{zh: 呼吸机, aliases: [Ventilator]}]\n"
        "negative:\n  services: [维修]\nnegative_policy:\n  services: always\n",
        encoding="utf-8",
    )
    custom = load_taxonomy(path)
    assert custom.classify("ICU ventilator 采购").categories == (MED,)
    assert custom.classify("呼吸机维修").excluded_by == ("维修",)


def test_an_unknown_match_rule_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        "categories:\n  medical:\n    subcategories:\n      - terms: [{zh: 呼吸机, match: fuzzy}]\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="fuzzy"):
        load_taxonomy(path)


def test_compiled_taxonomy_is_cached_on_disk_and_rebuilt_when_unreadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tenderbot.extract import taxonomy as module

    monkeypatch.setenv("TENDERBOT_CACHE_DIR", str(tmp_path))
    source = tmp_path / "taxonomy.yaml"
    source.write_bytes(module.DEFAULT_TAXONOMY_PATH.read_bytes())
    built = module.load_taxonomy(source)
    cached_files = list(tmp_path.glob("taxonomy-*.json"))
    assert len(cached_files) == 1
    module._load_cached.cache_clear()
    restored = module.load_taxonomy(source)
    assert restored is not built and restored.compiled() == built.compiled()
    title = "某县人民医院彩色多普勒超声诊断仪采购项目"
    assert restored.classify(title) == built.classify(title)
    cached_files[0].write_text("{not json", encoding="utf-8")
    module._load_cached.cache_clear()
    assert module.load_taxonomy(source).compiled() == built.compiled()
    # A file built from another taxonomy (same name by a crc32 collision, say) is not trusted.
    cached_files[0].write_text(json.dumps({"key": "other", "patterns": {}, "families": {}, "policy": {}}),
                               encoding="utf-8")
    module._load_cached.cache_clear()
    assert module.load_taxonomy(source).compiled() == built.compiled()
    module._load_cached.cache_clear()
