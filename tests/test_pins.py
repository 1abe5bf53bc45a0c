"""Every installed package is pinned: the lock files name each one with its exact version and hashes.

requirements.txt and requirements-dev.txt list what the project asks for; ``invoke lock`` resolves them
into requirements.lock and requirements-dev.lock (every transitive package, ``==`` version, sha256 of each
distribution file), and bootstrap.sh installs only from the locks with ``pip --require-hashes``.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from conftest import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

# Installed by ``python -m venv`` itself, not by the project: pip installs and upgrades them, the locks don't.
BOOTSTRAP = {"pip", "setuptools", "wheel"}


def read_lock(path: Path) -> dict[str, tuple[Requirement, list[str]]]:
    """name → (requirement, hashes) for each entry of a ``uv pip compile --generate-hashes`` file."""
    entries: dict[str, tuple[Requirement, list[str]]] = {}
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        spec, *hashes = re.split(r"\s+--hash=", line.strip())
        requirement = Requirement(spec)
        entries[canonicalize_name(requirement.name)] = (requirement, hashes)
    return entries


def read_direct(path: Path) -> dict[str, Requirement]:
    """The packages a requirements*.txt asks for (``-r`` includes are read too)."""
    wanted: dict[str, Requirement] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            wanted.update(read_direct(path.parent / line[3:].strip()))
        elif line:
            requirement = Requirement(line)
            wanted[canonicalize_name(requirement.name)] = requirement
    return wanted


def pinned_version(requirement: Requirement) -> str | None:
    specs = list(requirement.specifier)
    return specs[0].version if len(specs) == 1 and specs[0].operator == "==" else None


def test_every_installed_package_is_in_the_lock_at_its_version():
    locked = read_lock(ROOT / "requirements-dev.lock")
    unpinned, wrong = [], []
    for dist in metadata.distributions():
        name = canonicalize_name(dist.metadata["Name"])
        if name in BOOTSTRAP:
            continue
        if name not in locked:
            unpinned.append(f"{name}=={dist.version}")
        elif pinned_version(locked[name][0]) != dist.version:
            wrong.append(f"{name}: installed {dist.version}, locked {locked[name][0].specifier}")
    assert not unpinned, f"installed but not in requirements-dev.lock (run invoke lock): {unpinned}"
    assert not wrong, wrong


def test_every_locked_package_is_exact_and_hashed():
    for lock in ("requirements.lock", "requirements-dev.lock"):
        entries = read_lock(ROOT / lock)
        assert len(entries) > 30, lock
        for name, (requirement, hashes) in entries.items():
            assert pinned_version(requirement), f"{lock}: {name} is not pinned with =="
            assert hashes and all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in hashes), f"{lock}: {name}"


def test_locks_follow_the_requirements_files():
    runtime, dev = read_lock(ROOT / "requirements.lock"), read_lock(ROOT / "requirements-dev.lock")
    for source, lock in (("requirements.txt", runtime), ("requirements-dev.txt", dev)):
        for name, requirement in read_direct(ROOT / source).items():
            version = pinned_version(requirement)
            assert version, f"{source}: {requirement} must be pinned with =="
            assert name in lock, f"{source} asks for {name}, its lock misses it: run invoke lock"
            assert pinned_version(lock[name][0]) == version, f"{name}: {source} says {version}, run invoke lock"
    # The runtime lock is the dev lock's subset, at the same versions: tests run what production runs.
    assert {n: str(r.specifier) for n, (r, _) in runtime.items()} == \
        {n: str(dev[n][0].specifier) for n in runtime if n in dev}
    assert set(runtime) <= set(dev)


def test_bootstrap_and_ci_install_only_from_the_locks():
    bootstrap = (ROOT / "bootstrap.sh").read_text(encoding="utf-8")
    assert "--require-hashes" in bootstrap
    assert "python_env requirements.lock" in bootstrap and "python_env requirements-dev.lock" in bootstrap
    for config in (ROOT / ".gitlab-ci.yml", ROOT / ".github" / "workflows" / "build.yml"):
        installs = re.findall(r"pip install [^\n]*", config.read_text(encoding="utf-8"))
        assert installs and all("--require-hashes -r requirements.lock" in i for i in installs), installs
