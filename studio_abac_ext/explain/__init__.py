"""The extension's application layer: AWS answers plus the caller's policies become decisions,
permissions and explanations. Uses ``aws/`` and ``policy/``; the handlers call it."""
