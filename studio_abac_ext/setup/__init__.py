"""The account setup plan: a scenario compared with an account's state becomes a list of calls.

Pure (no boto3): may import ``scenario/``. Reading the account and applying the calls live in ``aws/``.
"""
