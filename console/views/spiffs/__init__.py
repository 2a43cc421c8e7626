"""The Spiffs tab and the office's spiff rules editor."""
