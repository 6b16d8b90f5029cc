"""The official form of an SOP and the court file, as loaded from YAML with positions."""
