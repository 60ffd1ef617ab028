"""The web console: search, export, team subscriptions and sources, served by ``tenderbot run``."""
