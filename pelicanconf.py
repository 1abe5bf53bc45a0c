"""Shared Pelican settings for every component portal of the province.

Per-site values (PATH, OUTPUT_PATH, SITENAME, PORTAL, FEED_DOMAIN...) come from
``content/<site>/site.yaml`` and are filled in by ``plugins/portal/build.py``; run builds with
``invoke build`` rather than ``pelican`` directly.
"""

SITENAME = "Cổng thông tin điện tử"
SITEURL = ""
RELATIVE_URLS = True  # the demo also opens from disk; publishconf.py switches to absolute URLs
TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"
DEFAULT_DATE_FORMAT = "%d/%m/%Y"

THEME = "themes/cong-thong-tin"
# Every value is escaped where a template writes it; only the cleaned item body is marked safe, in one
# macro (docs/theme.md). The portal plugin turns autoescape on even if this line is changed.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "extensions": [], "autoescape": True}
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["portal", "compliance", "aggregate", "quality", "editor"]
# Compliance reports (plugins/compliance/settings.py lists every key and its default).
COMPLIANCE = {
    "SAP_DEN_HAN_NGAY_LAM_VIEC": 3,
    # The demo content was imported into the repository on this day; later commits are evidence.
    "BANG_CHUNG_TU_NGAY": "2026-11-21",
}

# Content layout: one folder per content type. ARTICLE_PATHS and PAGE_PATHS are derived from
# plugins/portal/content_types.py for every site (portal.render.settings_for): not set here.
STATIC_PATHS = ["tep", "anh"]
IGNORE_FILES = [".*", "site.yaml"]
USE_FOLDER_AS_CATEGORY = False
FILENAME_METADATA = r"(?!)"  # never take metadata from file names
READERS = {"rst": None, "html": None, "htm": None}

# URLs: items set their own url/save_as (<type>/<slug>.html); these are the listing pages.
ARTICLE_URL = ARTICLE_SAVE_AS = "{category.slug}/{slug}.html"
PAGE_URL = PAGE_SAVE_AS = "trang/{slug}.html"
DIRECT_TEMPLATES = ["index", "tags", "archives"]
ARCHIVES_SAVE_AS = ARCHIVES_URL = "luu-tru/index.html"
TAGS_SAVE_AS = TAGS_URL = "tu-khoa/index.html"
TAG_URL = TAG_SAVE_AS = "tu-khoa/{slug}.html"
CATEGORY_SAVE_AS = CATEGORIES_SAVE_AS = ""  # sections are written by the portal plugin
AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = ""
DRAFT_SAVE_AS = DRAFT_PAGE_SAVE_AS = ""  # drafts are never published
YEAR_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_SAVE_AS = DAY_ARCHIVE_SAVE_AS = ""

DEFAULT_PAGINATION = 10
PAGINATED_TEMPLATES = {"archives": None, "tag": None, "section": None}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/trang-{number}.html", "{base_name}/trang-{number}.html"),
)

# Feeds: Atom and RSS 2.0, all items and per section (category slug = type id).
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
CATEGORY_FEED_RSS = "feeds/{slug}.rss.xml"
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
FEED_MAX_ITEMS = 50
RSS_FEED_SUMMARY_ONLY = True

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.sane_lists": {},
        "markdown.extensions.toc": {"permalink": False},  # keep in step with plugins/portal/markup.py DEFAULT
    },
    "output_format": "html5",
}
SUMMARY_MAX_LENGTH = 60
TYPOGRIFY = False
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
DELETE_OUTPUT_DIRECTORY = False  # each site is rendered into a fresh folder and swapped in
OUTPUT_SOURCES = False

# Scheduled publishing (plugins/portal/schedule.py): an item dated later than the build's now is checked
# but published only by the first build at or after that moment; a date more than this many days ahead
# is an error (year 9999 is a typing mistake, not a schedule).
PORTAL_SCHEDULE_HORIZON_DAYS = 365

# Where a procedure (TTHC) page sends readers for the full national entry when it has no lien_ket_dvc of its
# own, and names the national portal: keys and defaults in plugins/portal/procedures.py (NATIONAL_PORTAL).
# The national portal addresses a procedure by an internal id, not by its code: "tra_cuu" is its procedure
# search; a portal that searches by code can be given as "tra_cuu_theo_ma" with "{ma}" where the code goes.
PORTAL_DVC_QUOC_GIA = {
    "ten": "Cổng Dịch vụ công quốc gia",
    "dia_chi": "https://dichvucong.gov.vn",
    "tra_cuu": "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh.html",
}
