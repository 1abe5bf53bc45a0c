"""Markdown → HTML, once per document: the same conversion serves validation and the Pelican reader.

``DEFAULT`` mirrors ``MARKDOWN`` in pelicanconf.py. The checked HTML is kept on the document (and in the
content-hash cache), so the reader only rewrites links; a site that configures a different
``MARKDOWN`` setting is converted again by the reader with its own settings.
"""

from __future__ import annotations

import hashlib
import json

from markdown import Markdown

from .slugs import slugify

DEFAULT = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.sane_lists": {},
        "markdown.extensions.toc": {"permalink": False},
    },
    "output_format": "html5",
}
_INSTANCES: dict[str, Markdown] = {}


def heading_id(value: str, separator: str = "-") -> str:
    """Heading anchors: Vietnamese-aware (đ → d) and prefixed, so «Nội dung» never collides with the
    theme's own ids such as the skip-link target ``noi-dung``."""
    return "muc-" + (slugify(value) or "tieu-de")


def settings(configured: dict) -> dict:
    """A MARKDOWN setting with our heading ids and Vietnamese footnote back-links, extensions listed."""
    configs = {name: dict(options) for name, options in configured.get("extension_configs", {}).items()}
    configs.setdefault("markdown.extensions.toc", {})["slugify"] = heading_id
    extra = configs.setdefault("markdown.extensions.extra", {})
    extra.setdefault("footnotes", {})["BACKLINK_TITLE"] = "Quay lại nội dung từ chú thích %d"
    extensions = list(dict.fromkeys(list(configured.get("extensions", [])) + list(configs)))
    return {**configured, "extensions": extensions, "extension_configs": configs}


def same_as_default(configured: dict) -> bool:
    return _key(configured) == _key(DEFAULT)


def _key(configured: dict) -> str:
    return json.dumps(configured, sort_keys=True, default=repr)


def convert(body: str, configured: dict = DEFAULT) -> str:
    """HTML of ``body``; one Markdown instance per configuration, reset between documents."""
    key = _key(configured)
    md = _INSTANCES.get(key)
    if md is None:
        md = _INSTANCES[key] = Markdown(**settings(configured))
    md.reset()
    return md.convert(body)


def body_key(body: str) -> str:
    return hashlib.sha1(body.encode("utf-8")).hexdigest()
