"""The spec: safe loading, the model, validation."""
