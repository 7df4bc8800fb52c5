"""The store: the DuckDB file and everything written to it (docs/store.md)."""

import importlib.abc
import importlib.util
import sys


class _NoPandas(importlib.abc.MetaPathFinder):
    """`import pandas` fails at once, without searching sys.path (installed only when pandas is not installed).

    DuckDB's Python client tries `import pandas` before it binds each statement and does not remember that the
    import failed: every execute searched sys.path for it twice, measured 0.1 ms a statement and 8% of an item page
    at 13M posts (py-spy). Not `sys.modules["pandas"] = None`: scikit-learn then takes pandas as imported and
    fails on None."""

    def find_spec(self, name, path=None, target=None):  # noqa: ANN001, ANN201 (the finder protocol)
        if name == "pandas":
            raise ModuleNotFoundError("No module named 'pandas'", name="pandas")
        return None


if importlib.util.find_spec("pandas") is None:
    sys.meta_path.insert(0, _NoPandas())
