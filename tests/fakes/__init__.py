"""Local stand-ins for remote services, started by tests on 127.0.0.1 (the machine has no internet)."""
