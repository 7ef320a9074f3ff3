"""The engine: specs compared, findings decided, no backend."""
