"""Feed items as the text they are: Pelican's writer, with each item's title kept whole.

Pelican takes an item's title for HTML and strips tags from it before writing the feed
(``Markup(title).striptags()``), so a plain-text title such as «Giá 5 < 7 > 3» or «A &amp; B» lost
characters. Portal titles are plain text (front matter); feedgenerator escapes them for XML.
"""

from __future__ import annotations

from pelican.writers import Writer


class FeedWriter(Writer):
    """Pelican's writer with plain-text item titles in Atom and RSS."""

    def _add_item_to_the_feed(self, feed, item):
        super()._add_item_to_the_feed(feed, item)
        feed.items[-1]["title"] = " ".join(str(item.title).split())
