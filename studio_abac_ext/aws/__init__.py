"""Everything that talks to AWS with boto3 (the caller's own credentials, never stronger)."""
