"""Qt widgets, dialogs and item models, grouped by what the user sees."""
