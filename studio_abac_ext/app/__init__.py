"""The use cases: AWS answers plus the caller's policies become decisions, permissions and
explanations. May import ``aws/``, ``policy/``, ``simulator/``, ``isolation/``; ``web/`` calls it."""
