"""Use cases shared by the bot, the web console and the command line (search, export, teams)."""
