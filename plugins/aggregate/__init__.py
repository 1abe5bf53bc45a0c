"""Provincial aggregation: one news stream, one procedure and document catalog, one compliance dashboard.

``invoke aggregate`` collects the units' feeds and exports (``pipeline.py``); the provincial site's
build renders the result with the theme (``pages.py``).
"""

from pelican import signals

from portal import contract

from .pages import DECLARATION, get_generators

__all__ = ["register"]


def register():
    """Connect the plugin's receivers to Pelican's signals."""
    signals.get_generators.connect(get_generators)
    contract.declare(DECLARATION)
