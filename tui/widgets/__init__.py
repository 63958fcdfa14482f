"""One widget per module (plus `text`, the helpers that keep log text inert)."""
