"""Tests: in-memory SQLite unless PATIENTLAB_TEST_DATABASE_URL names another database."""

import os

TESTING = True
SQLALCHEMY_DATABASE_URI = os.environ.get("PATIENTLAB_TEST_DATABASE_URL", "sqlite://")
# Fast but still argon2id hashing: the production parameters are tested separately.
ARGON2_TIME_COST = 1
ARGON2_MEMORY_COST = 8
ARGON2_PARALLELISM = 1
MAIL_SEND_AFTER_COMMIT = False
RATELIMIT_ENABLED = False  # turned on by the tests that check it
# Kept pages are made again when the clock's window turns (core.page_cache): in tests, two
# requests a moment apart must not fall on either side of a minute, or a page kept by the
# first misses at the second (a test of the cache failed so, on PostgreSQL, once).
PAGE_CACHE_SECONDS = 10 * 365 * 24 * 3600

