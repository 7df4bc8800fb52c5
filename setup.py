"""Map the project's top-level folders into the `pantau` namespace.

`crawlers/` installs as `pantau.crawlers`, `models/` as `pantau.models`, and so on,
so nothing is installed under a bare, collision-prone name like `models` or `flows`.
Everything else lives in pyproject.toml.
"""

from setuptools import find_packages, setup

FOLDERS = ["pantau", "crawlers", "nlp", "flows", "models", "store", "triage", "demo", "referral"]

package_dir: dict[str, str] = {}
packages: list[str] = []
for folder in FOLDERS:
    name = "pantau" if folder == "pantau" else f"pantau.{folder}"
    package_dir[name] = folder
    packages.append(name)
    packages.extend(f"{name}.{sub}" for sub in find_packages(folder))

setup(packages=packages, package_dir=package_dir)
