"""Jupyter server configuration for the Galata integration tests.

JupyterLab runs as Team B's Studio session (``userb1@studio``) against the local AWS sandbox,
seeded with the document's teams, so the UI meets real IAM decisions.
"""

import atexit
import logging
import os

from jupyterlab.galata import configure_jupyter_server

from studio_abac_ext.sandbox import Sandbox
from studio_abac_ext.scenario import default_scenario_path, load_scenario

PERSONA = os.environ.get("STUDIO_ABAC_UI_PERSONA", "userb1@studio")

configure_jupyter_server(c)  # noqa: F821 - `c` is injected by Jupyter's config loader

c.ServerApp.allow_root = True  # noqa: F821 - CI and developer machines run as root
c.ServerApp.port_retries = 0  # noqa: F821

_sandbox = Sandbox(scenario=load_scenario(default_scenario_path()), host="127.0.0.1", port=0)
_sandbox.start()
atexit.register(_sandbox.stop)
# The server extension builds its boto3 clients from the environment, as in a Studio space.
os.environ.update(_sandbox.env_for(PERSONA))
# The team comes from the user profile's team tag, as the scenario's admin set it.
logging.getLogger("studio_abac_ext.ui_tests").warning(
    "Galata runs as %s against the sandbox at %s", PERSONA, _sandbox.endpoint
)
