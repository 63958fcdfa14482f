"""The widgets of one track's view (tui.screens.track): overview, schedule, positions, proposals,
agreements and timeline."""
