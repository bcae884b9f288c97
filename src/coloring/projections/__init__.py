"""Read models folded from the event log, and the catch-up runner that keeps them current."""
