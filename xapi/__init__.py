"""An xAPI 1.0.3 / 2.0 learning record store mounted at /xapi/."""
