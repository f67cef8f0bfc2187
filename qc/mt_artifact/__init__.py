"""mt-artifact: machine-translation artifacts in English text (Russian->English first)."""
