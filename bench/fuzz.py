"""The nightly fuzz campaign: tests/test_fuzz.py with many fresh inputs per target (issue 21).

    .venv/bin/python -m bench.fuzz [--examples 10000] [--jobs 2] [-k EXPR]

Runs each Hypothesis target of tests/test_fuzz.py (Post.from_payload, JSON Lines files, Store.ingest_file, every
crawler parse function, the classifier) in its own pytest process with PANTAU_FUZZ_EXAMPLES=--examples (random,
not the derandomised inputs of `make test`), --jobs at a time, and prints per target as it ends the inputs tried
and whether any input broke the property (a crash other than the documented error, or an unsound result), with
the falsifying input. Exit 1 when one did. Not a timed test; the seconds are for planning runs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = "tests/test_fuzz.py"


def run_target(test_id: str, examples: int, work: Path, deadline: float) -> tuple[str, int, str, float, str]:
    """One target in its own pytest process: (target, inputs tried, "held"/"BROKEN"/"cut" (the time budget ran
    out first: the inputs tried so far, to the last 250, held)/"killed" (by a signal from outside, not by an
    input: the inputs tried so far held), seconds, pytest's output)."""
    report = work / f"counts-{abs(hash(test_id))}.json"
    out = work / f"out-{abs(hash(test_id))}.txt"
    env = {**os.environ, "PANTAU_FUZZ_EXAMPLES": str(examples), "PANTAU_FUZZ_REPORT": str(report)}
    started = time.perf_counter()
    with out.open("w") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "pytest", test_id, "-q", "-p", "no:cacheprovider",
                                 "--tb=short"], cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT)
        try:
            rc = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
            status = "held" if rc == 0 else "killed" if rc < 0 else "BROKEN"
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            status = "cut"
    counts = json.loads(report.read_text()) if report.exists() else {}
    target = next(iter(counts), test_id.split("::", 1)[1])
    return target, sum(counts.values()), status, time.perf_counter() - started, out.read_text()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--examples", type=int, default=10_000, help="inputs per target (default 10,000)")
    ap.add_argument("--jobs", type=int, default=2, help="targets run at once (default 2)")
    ap.add_argument("-k", default=None, help="only the targets matching this pytest -k expression")
    ap.add_argument("--minutes", type=float, default=0, help="time budget: targets still running are cut (0: none)")
    args = ap.parse_args()

    listed = subprocess.run([sys.executable, "-m", "pytest", TESTS, "--collect-only", "-q", "-p", "no:cacheprovider",
                             *(["-k", args.k] if args.k else [])], cwd=ROOT, capture_output=True, text=True)
    ids = [line for line in listed.stdout.splitlines() if line.startswith(TESTS + "::") and "every_platform" not in line]
    if not ids:
        print(listed.stdout + listed.stderr)
        return 1
    ids.sort(key=lambda i: ("parse" in i, i))  # the Post spec, files, store and classifier first, then parsers
    work = Path(tempfile.mkdtemp(prefix="pantau-fuzz-run-"))
    started = time.perf_counter()
    print(f"fuzz campaign: {len(ids)} targets, {args.examples:,} examples asked each, {args.jobs} at a time", flush=True)
    failed, cut = [], []
    total = 0
    deadline = time.monotonic() + (args.minutes * 60 if args.minutes else 10**9)
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        runs = [pool.submit(run_target, i, args.examples, work, deadline) for i in ids]
        for run in as_completed(runs):
            target, n, status, seconds, output = run.result()
            total += n
            print(f"  {target:<45} {n:>8,} inputs  {status:<6} {seconds:>6,.0f} s", flush=True)
            if status == "BROKEN":
                failed.append(target)
                print(output[-6000:], flush=True)
            elif status in ("cut", "killed"):
                cut.append(target)
    print(f"{total:,} inputs in {time.perf_counter() - started:,.0f} s; {len(failed)} target(s) broke their property"
          + (": " + ", ".join(failed) if failed else "") + (f"; {len(cut)} cut by the time budget or killed" if cut else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
