"""PyInstaller runtime hook of the bundle's process guard: the program it becomes gets the system's
LD_LIBRARY_PATH back (the launcher pointed it at the bundle; introstudio/__main__.py does the same for the app)."""

import os

for _name in ("LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH"):
    if _name + "_ORIG" in os.environ:
        os.environ[_name] = os.environ.pop(_name + "_ORIG")
    elif _name == "LD_LIBRARY_PATH":  # set by the launcher, the user had none
        os.environ.pop(_name, None)
