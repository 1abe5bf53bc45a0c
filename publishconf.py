"""Production settings: absolute links on each site's own domain (``dia_chi_web`` in site.yaml)."""

import os
import sys

sys.path.append(os.path.dirname(__file__))

from pelicanconf import *  # noqa: E402,F403

RELATIVE_URLS = False  # SITEURL is each site's dia_chi_web (set by plugins/portal/build.py)
