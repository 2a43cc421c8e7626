"""`python -m console`, and the standalone bundle's entry point: the `dispatch-console` command."""

from console.cli import main

raise SystemExit(main())
