"""Settings for the test suite: production settings with a throwaway key and plain HTTP."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key-never-used-outside-the-test-suite")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from orgdesign.settings import *  # noqa: E402,F403

STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
