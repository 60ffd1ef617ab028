"""Entry point for ``python -m tenderbot``."""

from tenderbot.cli import main

raise SystemExit(main())
