import json
import subprocess
import sys

import pytest

from motcua.cli import main


def test_unknown_command_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["no-such-command"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("motcua: error:")


def test_python_dash_m_runs_the_same_script() -> None:
    out = subprocess.run([sys.executable, "-m", "motcua", "--help"], capture_output=True, text=True, check=True)
    assert "usage: motcua" in out.stdout


def test_settings_table_lists_every_variable() -> None:
    from motcua import config

    table = config.markdown_table()
    for name in config.SETTINGS:
        assert f"`{name}`" in table
    json.dumps(list(config.SETTINGS))
