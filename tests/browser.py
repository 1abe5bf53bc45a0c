"""Headless Chromium (Debian package, through Playwright) and a threaded server on 127.0.0.1 for the
browser tests: the same helpers the accessibility gate uses (plugins/quality/accessibility.py)."""

from quality.accessibility import CHROMIUM, CHROMIUM_ARGS, chromium, serve

ARGS = CHROMIUM_ARGS
__all__ = ["ARGS", "CHROMIUM", "chromium", "serve"]
