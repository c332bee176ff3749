"""Qt-free core shared by the CLI, the GUI and batch workers (a test enforces that no Qt is imported)."""
