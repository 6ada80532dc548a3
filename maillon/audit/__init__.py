"""Audits that measure the product as a person meets it (`maillon audit accessibility`)."""
