"""Default configuration; overridden by FLASK_* environment variables and by tests."""

import os
from pathlib import Path

from .core import clock

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Database: a MongoDB URI when given, else the embedded FerretDB server below.
MONGODB_URI = os.environ.get("MONGODB_URI") or None
MONGODB_DB = os.environ.get("MONGODB_DB", "weibaozhan")
EMBEDDED_DB_BIN = str(PROJECT_ROOT / "var" / "bin" / "ferretdb-embedded")
EMBEDDED_DB_DIR = str(PROJECT_ROOT / "var" / "ferretdb")
EMBEDDED_DB_PORT = int(os.environ.get("EMBEDDED_DB_PORT", "27117"))

SECRET_KEY = os.environ.get("SECRET_KEY") or None
SECRET_KEY_FILE = str(PROJECT_ROOT / "var" / "secret_key")
PRODUCTION = os.environ.get("WBZ_PRODUCTION") == "1"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
PERMANENT_SESSION_LIFETIME = 8 * 3600

# Uploads (Excel tables, later photos): refused above this size with a Chinese message.
MAX_CONTENT_LENGTH = 20 * 1024 * 1024

# Log-in lock-out.
LOGIN_MAX_FAILURES = 5
LOGIN_LOCK_MINUTES = 15

TIMEZONE = clock.TZ.key  # the one time zone of the product (core/clock.py)
# Compute every township's figures at start-up and daily at 00:05 (admin_app/services/summaries.py).
WARM_FIGURES = os.environ.get("WBZ_WARM_FIGURES", "1") == "1"
BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
BABEL_DEFAULT_TIMEZONE = TIMEZONE
FLASK_ADMIN_SWATCH = "default"
WTF_CSRF_TIME_LIMIT = None
