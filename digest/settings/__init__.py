"""Settings: sources.yaml loaded and validated once into one frozen object."""

DEFAULT_CONFIG = "sources.yaml"  # here, not in loading.py, so the CLI can name it without pydantic
