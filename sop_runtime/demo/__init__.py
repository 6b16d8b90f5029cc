"""The demo court's working day."""
