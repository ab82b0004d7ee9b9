"""`python -m bench [NAME ...]`: run each `bench/bench_*.py` module in turn.

Each benchmark runs as `python -m bench.bench_<name>` in a process of its own, so
that one benchmark's Django set-up (settings, database) never leaks into the next.
A benchmark module prints its own figures and exits non-zero when it fails; a
failure is reported and the run goes on, then exits non-zero at the end.
"""

import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def discover(selected: list[str]) -> list[str]:
    names = sorted(path.stem for path in BENCH_DIR.glob("bench_*.py"))
    if not selected:
        return names
    wanted = {
        name if name.startswith("bench_") else f"bench_{name}" for name in selected
    }
    unknown = wanted - set(names)
    if unknown:
        raise SystemExit(f"No such benchmark: {', '.join(sorted(unknown))}")
    return [name for name in names if name in wanted]


def main(argv: list[str]) -> int:
    names = discover(argv)
    if not names:
        print("No benchmarks yet: add bench/bench_<something>.py.")
        return 0
    failures = []
    for number, name in enumerate(names, start=1):
        print(f"[{number}/{len(names)}] {name}", flush=True)
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", f"bench.{name}"], cwd=BENCH_DIR.parent
        )
        elapsed = time.perf_counter() - started
        outcome = "ok" if result.returncode == 0 else f"FAILED ({result.returncode})"
        print(
            f"[{number}/{len(names)}] {name}: {outcome} in {elapsed:.1f} s", flush=True
        )
        if result.returncode != 0:
            failures.append(name)
    if failures:
        print(f"Failed: {', '.join(failures)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
