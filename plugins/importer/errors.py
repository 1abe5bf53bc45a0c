"""The expected failures of an import, each with one Vietnamese message for the editor.

``ImportRefused``: the file cannot be imported faithfully (a table whose merged cells would move, a scanned
PDF, a damaged file); nothing is written, the command exits 1. ``WrongUse``: the command was given a
missing file, an unknown site or type, or a file of another kind; it exits 2.
"""

from __future__ import annotations

from portal.problems import PortalError


class ImportFailure(PortalError):
    """Base of the import's expected failures; ``exit_code`` is what the command exits with."""

    exit_code = 1


class ImportRefused(ImportFailure):
    """The file's content cannot be imported without losing or moving something."""


class WrongUse(ImportFailure):
    """The command or the request was wrong (file, site, type)."""

    exit_code = 2
