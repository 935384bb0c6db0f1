"""The account setup plan: a scenario compared with an account's state becomes a list of calls.

Pure (no boto3): may import ``scenario/``. ``state`` holds the account-state and call types,
``plan`` the diff; reading the account and applying the calls live in ``aws/account_setup.py``.
"""
