"""Announcement text → fields, source-independent."""
