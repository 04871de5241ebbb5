"""Rule modules, one per rule: `<group>/<code>_<name>.py`."""
