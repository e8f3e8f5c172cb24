"""Shared building blocks: models base, sanitising, security, i18n, mail, audit, errors."""
