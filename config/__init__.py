"""Configuration modules, one per environment (see patientlab.create_app)."""
