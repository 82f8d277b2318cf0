#!/usr/bin/env bash
# Daily backup (docs/operations.md): an online, consistent SQLite copy verified with
# PRAGMA integrity_check, plus the CSV and search-index tarballs, into backups/ with
# retention. Safe while the service runs. Options: --dir DIR --keep-days N
set -euo pipefail
cd "$(dirname "$0")"
exec .venv/bin/ecommerce-agent backup "$@"
