"""Management commands of the platform's shared plumbing."""
