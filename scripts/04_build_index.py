#!/usr/bin/env python3
"""Build the search index, as the operations guide names it.

Same as `ecommerce-agent build-index`: options --only policies|products,
--force, --no-embeddings, --policies-dir, --index-dir. Writes data/processed/
(search.index_dir) and swaps it in atomically; a failed build leaves the old
index untouched. The product part reads the database, so run it after seeding.
"""

import sys
from pathlib import Path

# Run from a checkout without activating the venv's package path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ecommerce_agent.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["build-index", *sys.argv[1:]]))
