"""Time the command line's start-up: `digest --help` and a tab completion, against `python -c pass`.

Run: .venv/bin/python bench/startup.py [--repeat 15]
The target is under 0.3 s for both. The three are run in turn, round after round, so machine
load hits them alike; the medians are printed, and each as a ratio to the bare interpreter.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

SCRIPT = Path(sys.executable).parent / "digest"
COMPLETE = {"_DIGEST_COMPLETE": "bash_complete", "COMP_WORDS": "digest sou", "COMP_CWORD": "1"}
CASES = {
    "python -c pass": ([sys.executable, "-c", "pass"], {}),
    "digest --help": ([str(SCRIPT), "--help"], {}),
    "completion (digest sou<TAB>)": ([str(SCRIPT)], COMPLETE),
    "digest sources add --help": ([str(SCRIPT), "sources", "add", "--help"], {}),
}


def wall(command: list[str], env: dict[str, str]) -> float:
    """One run's wall time in seconds (output discarded; a failure stops the bench)."""
    start = time.perf_counter()
    subprocess.run(command, env=os.environ | env, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    """Measure every case `--repeat` times, interleaved, and print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for command, env in CASES.values():
        wall(command, env)  # warm the file cache once
    for _ in range(args.repeat):
        for name, (command, env) in CASES.items():
            times[name].append(wall(command, env))
    base = statistics.median(times["python -c pass"])
    print(f"start-up, median of {args.repeat} interleaved runs (target: under 0.300 s)")
    for name, runs in times.items():
        median = statistics.median(runs)
        print(f"  {name:<30} {median:6.3f} s  {median / base:5.2f}x python -c pass")


if __name__ == "__main__":
    main()
