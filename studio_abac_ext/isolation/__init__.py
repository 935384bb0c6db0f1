"""The isolation checker: does a team's policy set keep teams and users apart?

Pure: may import ``policy/`` and ``data/``; ``commands/check_isolation.py`` and ``app/admin.py``
use it. ``world`` is the imagined account, ``matrix`` asks the engine every action against every
ownership case, ``detectors``/``iam_paths`` read findings off the answers, ``unknowns`` widens the
policies where they depend on keys the world does not model (findings then "possible"),
``fixes`` writes the suggested statements and ``report`` the terminal and JSON forms.
"""
