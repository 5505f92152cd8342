"""`mkt` loads a command's module only when it runs; every command in the table must still load and answer --help."""
from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from mkt.cli import COMMANDS, app


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_loads_and_has_help(name):
    result = CliRunner().invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_groups_keep_their_subcommands():
    result = CliRunner().invoke(app, ["admin", "create", "--help"])
    assert result.exit_code == 0 and "--role" in result.output


def test_top_level_help_imports_no_command_module():
    probe = ("import sys; from click.testing import CliRunner; from mkt.cli import app; "
             "r = CliRunner().invoke(app, ['--help']); "
             "loaded = [m for m in sys.modules if m.startswith(('apps.', 'mkt.', 'models.', 'mlflow', 'dagster'))]; "
             "print(r.exit_code, sorted(loaded))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split(" ", 1)
    assert out[0] == "0"
    assert out[1].strip() == "['mkt.cli']"


def test_unknown_command_is_a_usage_error():
    result = CliRunner().invoke(app, ["no-such-command"])
    assert result.exit_code == 2
