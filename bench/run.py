"""Run every benchmark in bench/ (`make bench`). Speed targets live here, not in
the test suite: storage p95 < 1 ms at 1M orders, search p95 < 5 ms (policies)
and < 20 ms (10k chunks), NLU p95 < 10 ms, guardrails well under 1 ms, agent
turn p95 < 30 ms (no LLM). Each script prints its own table."""

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
