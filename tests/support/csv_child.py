"""A separate process that uses the CSV backend, for lock and crash tests.

python -m tests.support.csv_child DIR hold   -> take the writer lock, print "ready", wait for stdin EOF
python -m tests.support.csv_child DIR churn  -> create tickets forever, printing the count after each
"""

from __future__ import annotations

import sys
from pathlib import Path

from ecommerce_agent.domain.tickets import IssueType
from ecommerce_agent.storage.base import NewTicket
from ecommerce_agent.storage.csvstore import CsvRepository
from tests.support.factories import NOW


def main(directory: str, mode: str) -> None:
    repo = CsvRepository(Path(directory))
    repo.acquire_writer()
    if mode == "hold":
        print("ready", flush=True)
        sys.stdin.read()
        return
    count = repo.counts()["tickets"]
    while True:
        repo.create_ticket(NewTicket(user_id="U1", issue_type=IssueType.INQUIRY,
                                     description="문의 " * 200), now=NOW)
        count += 1
        print(count, flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:3])
