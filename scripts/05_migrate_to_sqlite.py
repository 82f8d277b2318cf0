#!/usr/bin/env python3
"""CSV → SQLite migration, as the operations guide names it.

Same as `ecommerce-agent migrate`: options --csv-dir, --db-path (default
data/ecommerce.db), --dry-run. Idempotent; validates everything before writing.
"""

import sys
from pathlib import Path

# Run from a checkout without activating the venv's package path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ecommerce_agent.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["migrate", *sys.argv[1:]]))
