"""The message catalogue: every message in both languages with the same placeholders; no front-end imports."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

import tenderbot.texts
from tenderbot.errors import QueryError
from tenderbot.matching.query import parse_query
from tenderbot.texts import CATALOGUE, LANGUAGES, Message, t


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_message_has_both_languages_with_the_same_placeholders(key: str) -> None:
    zh, en = CATALOGUE[key]
    assert zh.strip() and en.strip(), key
    assert _fields(zh) == _fields(en), key
    assert len(LANGUAGES) == 2


def test_the_catalogue_imports_no_front_end() -> None:
    tree = ast.parse(Path(tenderbot.texts.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.split(".")[0] in ("telegram", "tenderbot")}, imported


@pytest.mark.parametrize(
    "text",
    ["", "-维修", '"液相', "预算:abc", "预算:500万-50万", "地区:火星", "类型:拍卖", "类别:食品", "价格:1", "+-x",
     "a,b", "液相 -液相", "x" * 2001],
)
def test_query_errors_read_in_both_languages(text: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    zh, en = caught.value.message("zh"), caught.value.message("en")
    assert str(caught.value) == zh
    assert zh != en
    # Chinese keeps Chinese; English has no Chinese filter names to type (the examples follow the language).
    assert any("\u4e00" <= c <= "\u9fff" for c in zh)
    assert "请" not in en and "如 " not in en


def test_a_message_value_renders_in_the_outer_language() -> None:
    assert t("en", "q_filter_empty", key="budget", example=Message("q_ex_budget")).endswith("budget:50万-500万")
    assert t("zh", "q_filter_empty", key="预算", example=Message("q_ex_budget")).endswith("预算:50万-500万")


def _literal_keys() -> list[tuple[str, int, str]]:
    """(file, line, key) of every literal message id the code passes to the catalogue."""
    found = []
    first_arg = {"QueryError", "Message", "_Problem"}
    for path in Path(tenderbot.texts.__file__).parent.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            position = 0 if name in first_arg else 1 if name == "t" else None
            if position is None or len(node.args) <= position:
                continue
            arg = node.args[position]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.append((str(path), node.lineno, arg.value))
    return found


def test_every_message_id_the_code_uses_is_in_the_catalogue() -> None:
    keys = _literal_keys()
    assert len(keys) > 100  # the scan sees the code
    missing = [f"{path}:{line}: {key}" for path, line, key in keys if key not in CATALOGUE]
    assert not missing, missing
