"""Jupyter server configuration for the Galata integration tests.

JupyterLab runs against the local AWS sandbox, seeded with the document's teams, so the UI meets
real IAM decisions. Who it runs as comes from ``STUDIO_ABAC_UI_PERSONA``: Team B's Studio session
(``userb1@studio``, the default) or the scenario's ``admin`` IAM user. For the admin, userb1 first
tries to delete Team A's experiment, so CloudTrail has a real denial to show.
"""

import atexit
import logging
import os

from botocore.exceptions import ClientError
from jupyterlab.galata import configure_jupyter_server

from studio_abac_ext.sandbox import Sandbox
from studio_abac_ext.scenario import default_scenario_path, load_scenario

PERSONA = os.environ.get("STUDIO_ABAC_UI_PERSONA", "userb1@studio")
ADMIN_PERSONA = "admin"
DENIED_PRINCIPAL = "userb1@studio"
DENIED_EXPERIMENT = "teama-seeded-experiment"

log = logging.getLogger("studio_abac_ext.ui_tests")


def record_cross_team_delete(sandbox: Sandbox) -> None:
    """Team B deletes Team A's experiment: the sandbox must refuse it and log the denial."""
    sagemaker = sandbox.session_for(DENIED_PRINCIPAL).client("sagemaker")
    try:
        sagemaker.delete_experiment(ExperimentName=DENIED_EXPERIMENT)
    except ClientError as error:
        code = error.response["Error"]["Code"]
        if code != "AccessDeniedException":
            raise RuntimeError(f"expected AccessDeniedException, got {code}") from error
        log.warning("Recorded the denial: %s", error.response["Error"]["Message"])
        return
    # Without a denial the admin tests would test nothing: refuse to start.
    raise RuntimeError(f"{DENIED_PRINCIPAL} deleted {DENIED_EXPERIMENT}: isolation is broken")


configure_jupyter_server(c)  # noqa: F821 - `c` is injected by Jupyter's config loader

c.ServerApp.allow_root = True  # noqa: F821 - CI and developer machines run as root
c.ServerApp.port_retries = 0  # noqa: F821

_sandbox = Sandbox(scenario=load_scenario(default_scenario_path()), host="127.0.0.1", port=0)
_sandbox.start()
atexit.register(_sandbox.stop)
if PERSONA == ADMIN_PERSONA:
    record_cross_team_delete(_sandbox)
# The server extension builds its boto3 clients from the environment, as in a Studio space.
os.environ.update(_sandbox.env_for(PERSONA))
log.warning("Galata runs as %s against the sandbox at %s", PERSONA, _sandbox.endpoint)
