"""The action plan: its YAML document (document.py) and its import into the database."""
