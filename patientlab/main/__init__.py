"""Public pages: home, accessibility statement, privacy notice, charter, health check."""
