"""Compliance plugin: checks each portal against the rules in force (law as data with citations).

Publishes a report page in every site and a province-wide one in the provincial portal; the
``invoke compliance`` task writes the same findings as JSON, CSV, XLSX and HTML.
"""

from pelican import signals

from portal import contract

from .publish import DECLARATION, check_settings, get_generators

__all__ = ["register"]


def register():
    """Connect the plugin's receivers to Pelican's signals."""
    signals.initialized.connect(check_settings)
    signals.get_generators.connect(get_generators)
    contract.declare(DECLARATION)
