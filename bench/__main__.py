"""``python -m bench`` (what ``make bench`` runs): the benchmark, from a checkout only."""

from bench.run import main

raise SystemExit(main())
