"""Tests of the portal adapters."""
