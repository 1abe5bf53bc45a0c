"""Web editor of every site: Decap CMS, vendored and in Vietnamese, configured from the content schemas.

The build writes ``output/<site>/quan-tri/`` (:mod:`editor.admin`); ``invoke cms`` serves it with Decap's
local git backend on 127.0.0.1 (:mod:`editor.local`). docs/huong-dan-bien-tap.md is the editors' guide.
"""

from pelican import signals

from portal import contract

from .admin import DECLARATION, get_generators

__all__ = ["register"]


def register():
    """Connect the plugin's receivers to Pelican's signals."""
    signals.get_generators.connect(get_generators)
    contract.declare(DECLARATION)
