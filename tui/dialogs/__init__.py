"""Modal dialogs: log an event, correct or retract one, jump to a date, the keys."""

# Dialogs fit the terminal: below 110 columns paired fields stack and a dialog takes the whole
# width; below 30 rows it takes the whole height (tracker.tcss, dialogs section). Set as each
# dialog screen's HORIZONTAL_BREAKPOINTS and VERTICAL_BREAKPOINTS.
DIALOG_WIDTHS = [(0, "-narrow"), (110, "-wide")]
DIALOG_HEIGHTS = [(0, "-short"), (30, "-tall")]
