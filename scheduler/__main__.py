"""Entry point: `python -m scheduler` (the reminder clock)."""

import sys

from scheduler.cli import main

sys.exit(main())
