"""Fernhill Goods: a small demo shop that embeds Keepcart the way a merchant would."""

from demo_store.app import create_demo_app

__all__ = ["create_demo_app"]
