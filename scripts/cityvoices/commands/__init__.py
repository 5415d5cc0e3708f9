"""Subcommands of ``cityvoices``: one module each, with ``register(subparsers)``."""
