"""python -m dashboard_client import FILE --run NAME --url URL [--timezone TZ] [--api-key K] [--project P]"""
import argparse
import os
import sys

from .importer import main_import


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard_client")
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("import", help="backfill a metrics.jsonl (afterimage's, or a spill file) into a run")
    p.add_argument("file")
    p.add_argument("--run", required=True)
    p.add_argument("--url", default=os.environ.get("DASHBOARD_URL", "http://localhost:5000"))
    p.add_argument("--timezone", help="time zone the file's naive timestamps were written in (IANA name or UTC offset; default UTC)")
    p.add_argument("--api-key", default=os.environ.get("DASHBOARD_API_KEY"))
    p.add_argument("--project")
    args = parser.parse_args(argv)
    return main_import(args)


if __name__ == "__main__":
    sys.exit(main())
