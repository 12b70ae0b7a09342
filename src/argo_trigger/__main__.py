"""`python -m argo_trigger` runs the command line."""

from argo_trigger.cli import main

raise SystemExit(main())
