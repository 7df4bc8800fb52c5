"""Load DuckDB extensions offline from their PyPI packages (duckdb-extension-<name>).

DuckDB would otherwise download extensions at run time, which fails without internet.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import duckdb


def extension_path(name: str) -> Path:
    try:
        pkg = importlib.import_module(f"duckdb_extension_{name}")
    except ImportError as exc:
        raise RuntimeError(f"DuckDB extension {name!r} is not installed: pip install duckdb-extension-{name}") from exc
    version = f"v{duckdb.__version__}"
    path = Path(pkg.__file__).parent / "extensions" / version / f"{name}.duckdb_extension"
    if not path.exists():
        raise RuntimeError(f"{path} missing: duckdb-extension-{name} does not match duckdb {duckdb.__version__}")
    return path


def load_extension(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute(f"INSTALL '{extension_path(name)}'")
    con.execute(f"LOAD {name}")
