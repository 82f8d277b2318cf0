"""The `ecommerce-agent` command. One module per command group; each has
``register(subparsers)`` and handlers ``(args, settings) -> exit code``.

Every failure the program knows about ends with one Korean line on stderr and
a non-zero exit (2 for configuration, 1 otherwise); never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .. import __version__
from ..config import load_settings
from ..errors import AppError, ConfigError
from . import agent, answers, data, guardrails, nlu, ops, search, serve

GROUPS = (serve, data, ops, search, guardrails, agent, answers, nlu)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ecommerce-agent",
                                     description="Ecommerce Agent: 한국어 쇼핑몰 고객상담 에이전트")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--config", help="설정 파일 경로 (기본: configs/app.yaml 또는 ECOMMERCE_CONFIG)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for group in GROUPS:
        group.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.config:  # workers started by `serve` must read the same file
            os.environ["ECOMMERCE_CONFIG"] = args.config
        settings = load_settings(args.config)
        return int(args.handler(args, settings) or 0)
    except ConfigError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    except AppError as exc:
        print(f"오류: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("중단되었습니다.", file=sys.stderr)
        return 130
