"""Everything that talks to AWS with boto3 (the caller's own credentials, never stronger).

The only user of boto3 in the extension: one client configuration, one error classification, boto3
paginators. May import ``policy/``, ``scenario/``, ``setup/`` and ``simulator/``; ``app/``,
``kernel/`` and ``commands/`` use it.
"""
