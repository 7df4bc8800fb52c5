"""The nightly fuzz campaign: tests/test_fuzz.py with many fresh inputs per target (issue 21).

    .venv/bin/python -m bench.fuzz [--examples 10000] [--jobs 2] [-k EXPR]

Runs the Hypothesis targets of tests/test_fuzz.py (Post.from_payload, JSON Lines files, Store.ingest_file, every
crawler parse function, the classifier) with PANTAU_FUZZ_EXAMPLES=--examples (random, not the derandomised inputs
of `make test`), split over --jobs pytest processes, and prints per target the inputs tried and whether any input
broke the property (a crash other than the documented error, or an unsound result). Exit 1 when one did: the
falsifying input is in the pytest output above the table. Not a timed test; the seconds are for planning runs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = "tests/test_fuzz.py"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--examples", type=int, default=10_000, help="inputs per target (default 10,000)")
    ap.add_argument("--jobs", type=int, default=2, help="pytest processes (default 2)")
    ap.add_argument("-k", default=None, help="only the targets matching this pytest -k expression")
    args = ap.parse_args()

    listed = subprocess.run([sys.executable, "-m", "pytest", TESTS, "--collect-only", "-q", "-p", "no:cacheprovider",
                             *(["-k", args.k] if args.k else [])], cwd=ROOT, capture_output=True, text=True)
    ids = [line for line in listed.stdout.splitlines() if line.startswith(TESTS + "::")]
    if not ids:
        print(listed.stdout + listed.stderr)
        return 1
    jobs = max(1, min(args.jobs, len(ids)))
    work = Path(tempfile.mkdtemp(prefix="pantau-fuzz-run-"))
    started = time.perf_counter()
    procs = []
    for j in range(jobs):
        part = ids[j::jobs]
        report = work / f"counts-{j}.json"
        env = {**os.environ, "PANTAU_FUZZ_EXAMPLES": str(args.examples), "PANTAU_FUZZ_REPORT": str(report)}
        procs.append((subprocess.Popen([sys.executable, "-m", "pytest", *part, "-q", "-p", "no:cacheprovider",
                                        "-rf", "--junitxml", str(work / f"junit-{j}.xml")], cwd=ROOT, env=env,
                                       stdout=open(work / f"out-{j}.txt", "w")), report))  # noqa: SIM115
    counts: dict[str, int] = {}
    failed: list[str] = []
    for j, (proc, report) in enumerate(procs):
        proc.wait()
        print((work / f"out-{j}.txt").read_text())
        if report.exists():
            for target, n in json.loads(report.read_text()).items():
                counts[target] = counts.get(target, 0) + n
        failed += [line.split(" ", 1)[1].split(" - ")[0] for line in (work / f"out-{j}.txt").read_text().splitlines()
                   if line.startswith("FAILED ")]
    elapsed = time.perf_counter() - started
    print(f"fuzz campaign: {args.examples:,} examples asked per target, {len(counts)} targets, "
          f"{sum(counts.values()):,} inputs in {elapsed:,.0f} s ({jobs} processes)")
    for target in sorted(counts):
        print(f"  {target:<45} {counts[target]:>8,} inputs")
    print(f"{len(failed)} target(s) broke their property" + (":" if failed else ""))
    for f in failed:
        print(f"  {f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
