"""The repository passes ruff with the rules of pyproject.toml (every ignored rule is justified there)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def ruff() -> str:
    """The pinned ruff of this environment (requirements-dev.txt), beside the running Python."""
    binary = Path(sys.executable).with_name("ruff")
    assert binary.is_file(), f"ruff is not installed beside {sys.executable}: pip install -r requirements-dev.lock"
    return str(binary)


def test_ruff_finds_nothing():
    proc = subprocess.run([ruff(), "check", "--no-cache", "--output-format", "concise", str(ROOT)], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_would_report_a_finding(tmp_path):
    """The check can fail: the same configuration reports an unused import in a file of the repository's kind."""
    bad = tmp_path / "plugins" / "portal" / "bad.py"
    bad.parent.mkdir(parents=True)
    bad.write_text("import os\n", encoding="utf-8")
    proc = subprocess.run([ruff(), "check", "--no-cache", "--output-format", "concise",
                           "--config", str(ROOT / "pyproject.toml"), str(bad)], capture_output=True, text=True)
    assert proc.returncode == 1 and "F401" in proc.stdout, proc.stdout + proc.stderr
