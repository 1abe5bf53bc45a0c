"""What a converter hands to the pipeline: the Markdown body, the fields read, the files to store."""

from __future__ import annotations

from dataclasses import dataclass, field

from .letterhead import Reading

IMAGE_TOKEN = "@@anh-{}@@"  # a picture's place in the body until the pipeline names its file in anh/


@dataclass
class Asset:
    """A picture taken out of the document: its bytes, extension and the alternative text it had."""

    data: bytes
    extension: str
    token: str
    alt: str = ""


@dataclass
class Converted:
    """A converted document. ``notes`` are Vietnamese sentences for the editor (what was done or left out)."""

    body: str
    reading: Reading
    images: list[Asset] = field(default_factory=list)
    attachment: tuple[str, bytes] | None = None  # the source kept as the item's attachment (a PDF)
    notes: list[str] = field(default_factory=list)
    legacy_runs: int = 0
    tables: int = 0
