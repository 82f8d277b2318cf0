"""Ecommerce Agent: a Korean-language customer-service agent for online shops."""

__version__ = "0.1.0"
__all__ = ["__version__"]
