"""The calendar side: sales appointments, the day board and old equipment's heads-ups."""
