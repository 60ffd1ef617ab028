"""Subscription queries and the matcher that runs all of them over each notice (pure code)."""

from tenderbot.matching.engine import Matcher, MatchResult, notice_budget, notice_text
from tenderbot.matching.query import Query, Term, parse_query

__all__ = ["MatchResult", "Matcher", "Query", "Term", "notice_budget", "notice_text", "parse_query"]
