"""Write ``calibration/report/point_and_draws.csv``: what the shipped point and draws answer.

    .venv/bin/python scripts/point_and_draws.py [--workers 2]   # compute and write it
    .venv/bin/python scripts/point_and_draws.py --check          # exit 1 if it is stale

The dashboard's words on parameter uncertainty are built from this file
(:mod:`calibration.point_and_draws` says what is in it). Rerun it after installing a
calibration: ``tests/test_point_and_draws.py`` fails while the file was computed for other
calibration files than those shipped.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from calibration import point_and_draws as pad  # noqa: E402
from corridors.batch import make_executor  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args(argv)
    if args.check:
        try:
            kept = pad.read()
        except ValueError as exc:  # an older layout
            print(exc)
            return 1
        if kept is None or set(kept["calibration_digest"]) != {pad.calibration_digest()}:
            print(f"{pad.POINT_AND_DRAWS} is stale: run scripts/point_and_draws.py")
            return 1
        return 0
    executor, close = make_executor(args.workers, None, False)
    t0 = time.perf_counter()
    try:
        table = pad.compute(executor)
    finally:
        close()
    pad.write(table)
    print(table.drop(columns=["calibration_digest"]).to_string(index=False))
    print(f"wrote {pad.POINT_AND_DRAWS} in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
