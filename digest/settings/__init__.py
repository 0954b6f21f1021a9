"""Settings: sources.yaml loaded and validated once into one frozen object."""
