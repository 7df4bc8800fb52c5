"""The store: the DuckDB file and everything written to it (docs/store.md)."""

import importlib.util
import sys

# DuckDB's Python client tries `import pandas` before it binds each statement and does not remember that the import
# failed: without pandas (not a pantau dependency) every execute searched sys.path for it twice, measured 0.1 ms a
# statement and 8% of an item page at 13M posts (py-spy). Marked missing once, the import fails at once.
if importlib.util.find_spec("pandas") is None:
    sys.modules.setdefault("pandas", None)
