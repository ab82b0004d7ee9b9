"""Tests of languages: prefixes, switcher, direction and our catalogues."""
