"""pantau/cli.py: each command and group is found in the module its table names, so `pantau <command>` imports
only that module; `pantau --help` and an unknown command get every one."""

from __future__ import annotations

import subprocess
import sys

import typer

from pantau import cli


def test_the_table_names_the_module_of_every_command_and_group():
    found = {}
    for module in cli.command_modules(cli.MODULES):
        name = module.__name__.rsplit(".", 1)[1]
        app = getattr(module, "app", None)
        for info in (app.registered_commands if isinstance(app, typer.Typer) else []):
            found[cli.command_name(info)] = name
        for value in vars(module).values():
            if isinstance(value, typer.Typer) and value.info.name:
                found[value.info.name] = name
    assert found == cli.COMMAND_MODULES
    assert set(cli.MODULES) == set(found.values())


def test_a_command_imports_only_its_module_and_help_lists_every_command():
    code = ("import sys; from pantau import cli; sys.argv = ['pantau', 'sql', '--help']\n"
            "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m.rsplit('.', 1)[1] for m in sys.modules if m.startswith('pantau.commands.')))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "['common', 'data']"
    r = subprocess.run([sys.executable, "-m", "pantau.cli", "--help"], capture_output=True, text=True, timeout=120,
                       env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr
    listed = [line.split()[1] for line in r.stdout.splitlines() if line.startswith("│ ") and len(line.split()) > 1]
    assert set(cli.COMMAND_MODULES) <= set(listed)
    ordered = [name for name in listed if name in cli.COMMAND_ORDER]
    assert ordered == list(cli.COMMAND_ORDER)
    r = subprocess.run([sys.executable, "-m", "pantau.cli", "nonsense"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "nonsense" in r.stderr
