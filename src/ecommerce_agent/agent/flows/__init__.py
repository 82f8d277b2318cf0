"""One module per task flow: writes (cancel, claims, address), orders, info (questions), support."""
