"""Tables: item models over service rows, column fitting, lazy pages, export."""
