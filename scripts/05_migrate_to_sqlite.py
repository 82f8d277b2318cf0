#!/usr/bin/env python3
"""CSV → SQLite migration, as the operations guide names it.

Same as `ecommerce-agent migrate`: options --csv-dir, --db-path (default
data/ecommerce.db), --dry-run. Idempotent; validates everything before writing.
"""

import sys

from _bootstrap import enter_project  # scripts/ is on the path: it holds this file

enter_project(__file__)  # plain `python`: re-run under the checkout's .venv

from ecommerce_agent.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["migrate", *sys.argv[1:]]))
