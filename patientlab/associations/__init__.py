"""Patient associations and their representatives."""
