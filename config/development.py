"""Local development: SQLite file in instance/, mail written to instance/mail/."""

DEBUG = False
