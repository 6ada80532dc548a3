"""Maillon: the information system of a network of public-service reception points."""

__version__ = "0.1.0"
