"""KeywordScanner: reference counts, the secondary automaton, merges, tombstones, whole tokens."""

from __future__ import annotations

import pytest

from tenderbot.matching.automata import MIN_MERGE, MIN_PURGE, KeywordScanner, is_whole_token


def test_scan_finds_overlapping_keywords() -> None:
    scanner = KeywordScanner()
    for word in ("液相色谱", "色谱", "色谱仪", "质谱"):
        scanner.acquire(word)
    assert scanner.scan("高效液相色谱仪") == {"液相色谱", "色谱", "色谱仪"}
    assert len(scanner) == 4


def test_short_latin_keywords_only_as_whole_tokens() -> None:
    scanner = KeywordScanner()
    scanner.acquire("ct")
    assert scanner.scan("gdct2024") == set()
    assert scanner.scan("gdct2024 256排ct") == {"ct"}


@pytest.mark.parametrize(
    ("text", "start", "end", "expected"),
    [
        ("256排ct", 4, 6, True),
        ("gdct2024", 2, 4, False),
        ("ct机", 0, 2, True),
        ("act", 1, 3, False),
        ("ct", 0, 2, True),
    ],
)
def test_is_whole_token(text: str, start: int, end: int, expected: bool) -> None:
    assert is_whole_token(text, start, end) is expected


def test_a_word_stays_while_anyone_uses_it() -> None:
    scanner = KeywordScanner()
    scanner.acquire("色谱")
    scanner.acquire("色谱")
    scanner.release("色谱")
    assert scanner.scan("色谱仪") == {"色谱"}
    scanner.release("色谱")
    assert scanner.scan("色谱仪") == set()
    assert len(scanner) == 0


def test_few_additions_after_a_build_use_the_secondary_automaton() -> None:
    scanner = KeywordScanner()
    for index in range(MIN_MERGE * 2):
        scanner.acquire(f"产品{index}号")
    scanner.compile()
    assert scanner.full_builds == 1
    scanner.acquire("新产品")
    assert scanner.scan("采购新产品和产品7号") == {"新产品", "产品7号"}
    assert scanner.full_builds == 1
    scanner.release("新产品")
    assert scanner.scan("采购新产品") == set()
    assert scanner.full_builds == 1


def test_many_additions_are_merged_into_the_main_automaton() -> None:
    scanner = KeywordScanner()
    scanner.acquire("色谱")
    scanner.compile()
    builds = scanner.full_builds
    for index in range(MIN_MERGE + 1):
        scanner.acquire(f"新词{index}号")
    assert scanner.scan("新词3号 色谱") == {"新词3号", "色谱"}
    assert scanner.full_builds == builds + 1


def test_released_words_are_tombstones_until_a_purge() -> None:
    scanner = KeywordScanner()
    words = [f"旧词{index}号" for index in range(MIN_PURGE * 2)]
    for word in words:
        scanner.acquire(word)
    scanner.compile()
    assert scanner.full_builds == 1
    for word in words[: MIN_PURGE // 2]:
        scanner.release(word)
    assert scanner.scan("旧词0号 旧词2000号") == {"旧词2000号"}
    assert scanner.full_builds == 1
    for word in words[MIN_PURGE // 2 : MIN_PURGE + 2]:
        scanner.release(word)
    scanner.acquire(words[0])  # a tombstone comes back to life without a rebuild
    assert scanner.scan("旧词0号 旧词1号") == {"旧词0号"}
    assert scanner.full_builds == 2
