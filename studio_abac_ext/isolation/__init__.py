"""The isolation checker: does a team's policy set keep teams and users apart?

Pure: may import ``policy/`` and ``data/``. ``commands/check_isolation.py`` and ``app/admin.py`` use it.
"""
