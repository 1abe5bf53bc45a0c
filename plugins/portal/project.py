"""The project a command works on: its root, its settings and every named folder, made once and passed down.

``tasks.py`` makes one :class:`Project` per command (tests make one per case) and hands it to the build,
the aggregation, compliance and the quality gates; each Pelican run of a site gets it as the setting
``PORTAL_PROJECT``. No module works out the project root or a folder of another module's data: each
folder is declared once, with its default and the setting that moves it, by the plugin that keeps it
(:mod:`portal.contract`), and resolved here.
"""

from __future__ import annotations

import runpy
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from . import contract


class UnknownFolder(KeyError):
    """A folder name that no plugin of ``PLUGINS`` declares."""


@dataclass(frozen=True)
class Project:
    """One province's repository as a command sees it (immutable).

    ``settings`` are the settings file's values (upper-case names, read without starting Pelican) with
    ``overrides`` on top; ``overrides`` are also passed to every Pelican run. ``folders`` maps each
    declared folder name to its absolute path."""

    root: Path
    settings_file: Path
    output: Path
    settings: Mapping = field(repr=False)
    overrides: Mapping = field(default_factory=dict, repr=False)
    contract: contract.Contract = field(default=contract.Contract(()), repr=False)
    folders: Mapping = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, root: Path, settings_file: Path | None = None, output: Path | None = None,
             overrides: Mapping | None = None) -> Project:
        """The project at ``root`` with ``settings_file`` (default ``root/pelicanconf.py``) and ``output``
        (default ``root/output``); imports and registers the plugins of ``PLUGINS``."""
        root = Path(root).resolve()
        settings_file = Path(settings_file) if settings_file else root / "pelicanconf.py"
        overrides = dict(overrides or {})
        values = {k: v for k, v in runpy.run_path(str(settings_file)).items() if k.isupper()}
        settings = {**values, **overrides}
        declared = contract.load(tuple(settings.get("PLUGINS") or ()))
        folders = {f.name: root / str(settings.get(f.setting) or f.default) if f.setting else root / f.default
                   for f in declared.folders()}
        return cls(root, settings_file, Path(output) if output else root / "output", MappingProxyType(settings),
                   MappingProxyType(overrides), declared, MappingProxyType(folders))

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def cache(self) -> Path:
        return self.root / ".cache"

    def folder(self, name: str) -> Path:
        """The absolute path of the folder ``name`` (a :class:`contract.CacheFolder` of some plugin)."""
        try:
            return self.folders[name]
        except KeyError:
            raise UnknownFolder(f"no plugin of PLUGINS declares the folder {name!r}: {sorted(self.folders)}") from None

    # A MappingProxy does not pickle; a Project goes to worker processes with every site it renders.
    def __getstate__(self) -> dict:
        return {k: dict(v) if isinstance(v, MappingProxyType) else v for k, v in self.__dict__.items()}

    def __setstate__(self, state: dict) -> None:
        for key, value in state.items():
            object.__setattr__(self, key, MappingProxyType(value) if isinstance(value, dict) else value)


def of(settings: Mapping) -> Project:
    """The project of a Pelican run (its ``PORTAL_PROJECT`` setting, set by :func:`portal.render.settings_for`)."""
    return settings["PORTAL_PROJECT"]
