"""The site's home page."""
