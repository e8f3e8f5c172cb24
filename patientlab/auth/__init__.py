"""Accounts: registration, login, verification, reset, profile, preferences."""
