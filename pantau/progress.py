"""Progress bars (rich) for the CLI's long jobs: drawn on stderr when it is a terminal, never mixed into stdout.

`PANTAU_PROGRESS=1` forces them (e.g. under a CI log viewer), `PANTAU_PROGRESS=0` turns them off. The summary each
command prints at the end goes to stdout as before, so scripts that read it are unaffected.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
ENV = "PANTAU_PROGRESS"


def enabled() -> bool:
    forced = os.environ.get(ENV, "").strip()
    if forced in ("0", "1"):
        return forced == "1"
    return sys.stderr.isatty()


@contextmanager
def progress(description: str, total: int | None = None, unit: str = "posts") -> Iterator[Callable[[int], None]]:
    """Yield `update(completed)`; with no total the bar shows the count and rate only."""
    if not enabled():
        yield lambda completed: None
        return
    from rich.console import Console  # rich (~40 ms): only when a progress bar is shown
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn, \
        TimeElapsedColumn, TimeRemainingColumn  # rich (~40 ms): only when a progress bar is shown

    columns = [TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn(unit), TaskProgressColumn(), TimeElapsedColumn(), TimeRemainingColumn()]
    console = Console(stderr=True, force_terminal=os.environ.get(ENV) == "1" or None)
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task(description, total=total)
        yield lambda completed: bar.update(task, completed=completed)
        if total is not None:
            bar.update(task, completed=total)


def count_lines(path: str | os.PathLike[str]) -> int:
    """Lines in a file (about 1 GB/s), for a bar's total."""
    n = 0
    last = b"\n"
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            n += chunk.count(b"\n")
            last = chunk[-1:]
    return n + (last != b"\n")


def counted(items: Iterable[T], update: Callable[[int], None], offset: Callable[[], int] = lambda: 0,
            every: int = 1000) -> Iterator[T]:
    """Pass `items` through, calling `update(n + offset())` every `every` items (and once at the end)."""
    n = 0
    for n, item in enumerate(items, 1):
        if n % every == 0:
            update(n + offset())
        yield item
    update(n + offset())
