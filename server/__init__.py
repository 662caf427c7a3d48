"""Keepcart: a self-hosted checkout-conversion widget and its server."""

__version__ = "0.1.0"
