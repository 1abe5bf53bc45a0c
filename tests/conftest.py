"""Shared fixtures: build the small sites kept under tests/sites/ into temporary folders."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins"))

from portal.build import build_province  # noqa: E402
from portal.project import Project  # noqa: E402

SITES = ROOT / "tests" / "sites"


def copy_case(case: str, dest: Path) -> Path:
    """Copy tests/sites/<case>/ into ``dest`` (a fresh project root) and return it."""
    shutil.copytree(SITES / case, dest, dirs_exist_ok=True)
    return dest


def project(root: Path, output: Path | None = None, production: bool = False, overrides: dict | None = None,
            settings: Path | None = None) -> Project:
    """The project under ``root`` (a copied case) with the real settings files and theme; output in
    ``root/output`` unless given."""
    settings = settings or ROOT / ("publishconf.py" if production else "pelicanconf.py")
    return Project.load(root, settings, output or Path(root) / "output", overrides)


def build(root: Path, site_ids=None, search=False, production=False):
    """Build the province under ``root`` with the real settings files and theme."""
    return build_province(project(root, production=production), site_ids, jobs=2, search=search)


@pytest.fixture(scope="session")
def basic_build(tmp_path_factory):
    """The 'basic' case built once (with search index): (root, ProvinceResult)."""
    root = copy_case("basic", tmp_path_factory.mktemp("basic"))
    return root, build(root, search=True)


@pytest.fixture(scope="session")
def basic_out(basic_build) -> Path:
    return basic_build[0] / "output" / "so-mau"
