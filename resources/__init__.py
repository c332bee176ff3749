"""Data files shipped inside the package as `introstudio.resources`: templates, brand kit, sample project."""
