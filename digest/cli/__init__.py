"""The `digest` command: one module per command group; main.py declares the group."""
