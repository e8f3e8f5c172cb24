"""Members' public pages: who someone is on the platform, and their moderated presentation."""
