"""Data files shipped inside the package (read with ``importlib.resources``, never by path)."""
