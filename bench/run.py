"""Run every benchmark in bench/ (`make bench`): each ``bench_*.py`` here, in name
order. Speed targets live here, not in the test suite: storage p95 < 1 ms at 1M
orders (bench_storage), search p95 < 5 ms (policies) and < 20 ms (10k chunks)
(bench_search), NLU p95 < 10 ms (bench_nlu), guardrails well under 1 ms
(bench_guardrails), agent turn p95 < 30 ms without an LLM (bench_agent), policy answer
p95 < 5 ms (bench_answers). Each
script prints its own table; one that exits non-zero (bench_agent does when it
misses its target) is reported as failed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failed = []
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"\n== {script.name} ==", flush=True)
        if subprocess.run([sys.executable, str(script)], cwd=HERE.parent).returncode != 0:
            failed.append(script.name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
