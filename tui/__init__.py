"""The terminal UI: browse every track, log developments as they happen, travel in time.

`tui.app.run(path)` starts it.
"""
