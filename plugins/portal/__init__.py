"""Pelican plugin for Vietnamese state e-information portals.

Connects the portal reader (YAML front matter validated against per-type schemas), the portal
generator (sections, schedules, site map, exports) and the template helpers.
"""

from pelican import signals

from . import contract
from .incremental import get_writer
from .reader import add_reader
from .sections import get_generators
from .templating import install

__all__ = ["register"]


def register():
    """Connect the plugin's receivers to Pelican's signals."""
    signals.initialized.connect(install)
    signals.readers_init.connect(add_reader)
    signals.get_generators.connect(get_generators)
    signals.get_writer.connect(get_writer)
    contract.declare(contract.CORE)
