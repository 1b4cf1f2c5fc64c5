"""One module per assistant; the registry is in registry.py."""
