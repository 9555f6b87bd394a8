"""Build-time code: fetch, normalize and regenerate the Instantly API client (not shipped)."""
