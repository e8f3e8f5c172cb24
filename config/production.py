"""Production: secrets and the database come from the environment.

PATIENTLAB_SECRET_KEY and PATIENTLAB_DATABASE_URL are required; create_app()
refuses to start without them.
"""

SECRET_KEY = None
SQLALCHEMY_DATABASE_URI = None
SESSION_COOKIE_SECURE = True
REMEMBER_COOKIE_SECURE = True
HSTS = True
