"""The REST layer: routes, thin tornado handlers, request models and the error mapping.

May import ``app/`` and ``aws/`` (for its error types); nothing below imports it.
"""
