"""« Parle-Moi » public evenings: events, registrations, waiting list, check-in."""
