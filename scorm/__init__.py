"""SCORM 1.2 and 2004 packages: import, safe unpacking, a sandboxed runtime."""
