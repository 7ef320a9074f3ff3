"""The adapters, one per remote: GitHub, Airtable, local git checkouts."""
