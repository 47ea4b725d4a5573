"""Demo and test support: a generator of realistic bill exports (not part of the application)."""
