"""Make `python scripts/<name>.py` work exactly as the operations guide writes it.

A plain `python` (the system one) has none of the project's dependencies: when
the checkout's virtual environment exists and is not the running interpreter,
re-run the script under it; without one, stop with one line saying how to make it.
The checkout's src/ goes first on the path so the script runs this checkout's code.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"


def enter_project(script: str) -> None:
    venv_python = VENV / "bin" / "python"
    if venv_python.exists() and Path(sys.prefix).resolve() != VENV.resolve():
        os.execv(str(venv_python), [str(venv_python), script, *sys.argv[1:]])
    sys.path.insert(0, str(ROOT / "src"))
    try:
        import sqlalchemy  # noqa: F401 - the first dependency any command needs
    except ImportError:
        print("오류: 프로젝트 의존성이 설치되어 있지 않습니다. 저장소 루트에서 `make run`(또는 "
              "`python3 -m venv .venv && .venv/bin/pip install -c requirements.txt -e .`)으로 "
              "가상환경을 만든 뒤 다시 실행하세요.", file=sys.stderr)
        raise SystemExit(2) from None
