"""Webinars: series, registration, attendance and recordings."""
