"""The modes, written against the ports: drift, sync, status, airtable."""
