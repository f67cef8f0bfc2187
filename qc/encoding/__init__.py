"""Encoding and text-normalisation rules (family ``encoding``)."""
