#!/usr/bin/env bash
# Restore the SQLite database from a backup (stop the service first):
#   ./restore.sh backups/ecommerce.db.20261126
set -euo pipefail
cd "$(dirname "$0")"
exec .venv/bin/ecommerce-agent restore "$@"
