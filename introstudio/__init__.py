"""IntroStudio: clinician introduction videos, scripted, recorded, captioned, rendered and published."""

__version__ = "0.1.0"
