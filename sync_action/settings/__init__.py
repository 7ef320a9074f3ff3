"""The run's settings: inputs, environment and event, read and checked once."""
