"""``python -m fiscal_kg`` is the ``fiscal-kg`` command."""

from fiscal_kg.cli import main

raise SystemExit(main())
