"""Delivery beyond instant alerts: digests, deadline reminders, message splitting and housekeeping."""
