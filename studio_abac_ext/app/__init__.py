"""The use cases: AWS answers plus the caller's policies become decisions, permissions and
explanations; ``access_denied.py`` builds every 403 body. May import ``aws/``, ``policy/``,
``simulator/``, ``isolation/``, ``setup/``, ``data/`` and ``config``; ``web/`` calls it."""
