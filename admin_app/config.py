"""Default configuration; overridden by FLASK_* environment variables and by tests."""

import os
from pathlib import Path

from .core import clock

PROJECT_ROOT = Path(__file__).resolve().parent.parent
_CHECKOUT = (PROJECT_ROOT / "pyproject.toml").is_file()  # a clone, not an installed wheel
# Where the app keeps what is not code (the embedded database, development keys):
# WBZ_DATA_DIR, else var/ of the clone, else ./var of an installed wheel's working directory.
DATA_DIR = Path(
    os.environ.get("WBZ_DATA_DIR") or (PROJECT_ROOT / "var" if _CHECKOUT else Path.cwd() / "var")
)

# Database: a MongoDB URI when given, else the embedded FerretDB server below.
MONGODB_URI = os.environ.get("MONGODB_URI") or None
MONGODB_DB = os.environ.get("MONGODB_DB", "weibaozhan")
# The embedded server's program (built by scripts/setup.sh into the clone's var/bin).
EMBEDDED_DB_BIN = os.environ.get("WBZ_FERRETDB_BIN") or str(
    (PROJECT_ROOT / "var" if _CHECKOUT else DATA_DIR) / "bin" / "ferretdb-embedded"
)
EMBEDDED_DB_DIR = str(DATA_DIR / "ferretdb")
EMBEDDED_DB_PORT = int(os.environ.get("EMBEDDED_DB_PORT", "27117"))

SECRET_KEY = os.environ.get("SECRET_KEY") or None
SECRET_KEY_FILE = str(DATA_DIR / "secret_key")
# Fernet keys for encrypted fields, comma-separated, the first encrypts (admin_app/crypto.py).
FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY") or None
FIELD_KEY_FILE = str(DATA_DIR / "field_key")  # development only
PRODUCTION = os.environ.get("WBZ_PRODUCTION") == "1"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
PERMANENT_SESSION_LIFETIME = 8 * 3600

# Uploads (Excel tables, later photos): refused above this size with a Chinese message.
MAX_CONTENT_LENGTH = 20 * 1024 * 1024

# Log-in lock-out (per account) and limit (per address: admin_app/hardening.py).
LOGIN_MAX_FAILURES = 5
LOGIN_LOCK_MINUTES = 15
LOGIN_RATE_LIMIT = os.environ.get("WBZ_LOGIN_RATE_LIMIT", "20 per minute; 200 per hour")
# The public report pages (issue 15): per sending address, and per station's page.
PUBLIC_REPORT_LIMIT = os.environ.get("WBZ_PUBLIC_REPORT_LIMIT", "5 per hour; 20 per day")
PUBLIC_STATION_LIMIT = os.environ.get("WBZ_PUBLIC_STATION_LIMIT", "60 per day")
PUBLIC_STATUS_LIMIT = os.environ.get("WBZ_PUBLIC_STATUS_LIMIT", "30 per hour")
# The address the QR codes open (https://… behind nginx); else the address of the request.
PUBLIC_BASE_URL = os.environ.get("WBZ_PUBLIC_BASE_URL", "")
# Where the limits count. Empty: in the product's own database, shared by every worker
# and app server (admin_app/ratelimit.py); memory:// counts per worker process (a limit of
# 5 then lets 5 × workers through); redis://… names a store of its own (docs/DEPLOY.md).
RATELIMIT_STORAGE_URI = os.environ.get("WBZ_RATELIMIT_STORAGE_URI", "")
# The database does not answer: count in memory meanwhile rather than fail the page.
RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
IDLE_TIMEOUT_MINUTES = int(os.environ.get("WBZ_IDLE_TIMEOUT_MINUTES", "30"))
PROXIES = int(os.environ.get("WBZ_PROXIES", "0"))  # 1 behind one nginx

TIMEZONE = clock.TZ.key  # the one time zone of the product (core/clock.py)
# Compute every township's figures at start-up and daily at 00:05 (admin_app/services/figures/summaries.py).
WARM_FIGURES = os.environ.get("WBZ_WARM_FIGURES", "1") == "1"
BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
BABEL_DEFAULT_TIMEZONE = TIMEZONE
FLASK_ADMIN_SWATCH = "default"
WTF_CSRF_TIME_LIMIT = None
