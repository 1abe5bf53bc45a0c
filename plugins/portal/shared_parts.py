"""Parts of every page that depend on the site and the section, not on the page: rendered once.

The header, the main menu and the footer of ``base.html`` are the same on every page of a section
(and the header and footer on every page of the site at the same depth), yet Jinja would render them
again for each of a site's thousand pages. ``base.html`` writes each through :func:`dung_chung`
(``{{ dung_chung('_menu.html', SITEURL=SITEURL, ...) }}``): the part is rendered with only the values
it is given, once per distinct set of values in one Jinja environment (Pelican makes one per generator
of a site), and the stored HTML is written on every other page.

Values are compared by type and equality when they are hashable (a string, a number, ``None``) and by
identity otherwise (``PORTAL``, the section list: the same objects for every page of a site), the
objects themselves kept with the stored HTML so an identity is never reused by another object. A part
reads nothing but its arguments, so the page key of :mod:`portal.incremental` (which reads the
arguments in ``base.html``) still covers everything a page shows.
"""

from __future__ import annotations

from jinja2 import Environment, pass_environment
from markupsafe import Markup

# The store lives on the environment, {(part, values key): (objects compared by identity, HTML)}: it goes
# with the site's render. (Held in a module-level mapping, the objects it keeps, which lead back to the
# environment, would keep every rendered site alive in a worker.)
_STORE = "portal_shared_parts"


@pass_environment
def dung_chung(env: Environment, name: str, **values) -> Markup:
    """The template ``name`` rendered with only ``values``, once per distinct ``values`` in ``env``."""
    store = getattr(env, _STORE, None)
    if store is None:
        store = {}
        setattr(env, _STORE, store)
    parts, held = [], []
    for key in sorted(values):
        value = values[key]
        try:
            hash(value)
            parts.append((key, type(value), value))
        except TypeError:
            parts.append((key, "id", id(value)))
            held.append(value)
    cache_key = (name, tuple(parts))
    found = store.get(cache_key)
    if found is not None and all(a is b for a, b in zip(found[0], held, strict=True)):
        return found[1]
    # The part's own output, escaped by the autoescaping environment (portal.templating): written as
    # {% include %} would write it.
    html = Markup(env.get_template(name).render(values))
    store[cache_key] = (tuple(held), html)
    return html
