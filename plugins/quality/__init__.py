"""Quality gates over the built province: valid HTML, working links, accessibility."""

__all__ = ["register"]


def register():
    """Connect the plugin's receivers: the accessibility self-assessment page of every site."""
    from pelican import signals

    from portal import contract

    from .self_assessment import DECLARATION, check_settings, get_generators

    signals.initialized.connect(check_settings)
    signals.get_generators.connect(get_generators)
    contract.declare(DECLARATION)
