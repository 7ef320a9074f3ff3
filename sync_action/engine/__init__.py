"""The engine: specs compared, findings decided, reports built; no backend."""
