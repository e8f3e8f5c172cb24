"""Moderation of what users write: states, decisions, queue."""
