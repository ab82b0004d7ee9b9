"""Settings: `base` with one module per integration, and `dev`, `test`, `production`."""
