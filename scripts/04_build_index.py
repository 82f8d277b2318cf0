#!/usr/bin/env python3
"""Build the search index, as the operations guide names it.

Same as `ecommerce-agent build-index`: options --only policies|products,
--force, --no-embeddings, --policies-dir, --index-dir. Writes data/processed/
(search.index_dir) and swaps it in atomically; a failed build leaves the old
index untouched. The product part reads the database, so run it after seeding.
"""

import sys

from _bootstrap import enter_project  # scripts/ is on the path: it holds this file

enter_project(__file__)  # plain `python`: re-run under the checkout's .venv

from ecommerce_agent.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["build-index", *sys.argv[1:]]))
