"""Latency the sandbox gateway adds over moto alone, and its throughput under concurrent clients.

Run: ``python benchmarks/bench_gateway.py [--requests N] [--clients C] [--per-client M]``.
Prints figures, asserts nothing. Both servers run in this process (moto's state is shared),
so the same DescribeTrainingJob hits moto directly and through the gateway (authentication,
signature check, IAM evaluation, audit); the difference is the gateway's cost. Clients run in
the same process too, so absolute figures include boto3's own time on both sides.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

from studio_abac_ext.sandbox import Sandbox
from studio_abac_ext.sandbox.server import keep_alive_handler
from studio_abac_ext.scenario import default_scenario_path, load_scenario

NO_RETRIES = Config(retries={"max_attempts": 1, "mode": "standard"}, max_pool_connections=4)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def timed_pairs(
    first: Callable[[], Any], second: Callable[[], Any], count: int
) -> tuple[list[float], list[float]]:
    """Alternate the two calls so load from other processes hits both alike."""
    for _ in range(20):  # warm connections and caches
        first()
        second()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(count):
        for call, bucket in ((first, samples[0]), (second, samples[1])):
            start = time.perf_counter()
            call()
            bucket.append((time.perf_counter() - start) * 1000)
    return samples


def latency(sandbox: Sandbox, moto_endpoint: str, count: int) -> None:
    through_gateway = sandbox.session_for("usera1@studio").client("sagemaker", config=NO_RETRIES)
    moto_alone = boto3.client(
        "sagemaker",
        endpoint_url=moto_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=NO_RETRIES,
    )

    def describe(client: Any) -> Callable[[], Any]:
        return lambda: client.describe_training_job(TrainingJobName="usera1teamatraining1")

    moto_ms, gateway_ms = timed_pairs(describe(moto_alone), describe(through_gateway), count)
    fill_ms, _ = timed_pairs(
        lambda: through_gateway.describe_experiment(ExperimentName="teama-seeded-experiment"),
        lambda: None,
        count,
    )
    print(f"latency over {count} sequential DescribeTrainingJob calls (ms):")
    for label, samples in (("moto alone", moto_ms), ("through the gateway", gateway_ms)):
        p50, p99 = percentile(samples, 0.5), percentile(samples, 0.99)
        print(
            f"  {label:<22} p50 {p50:6.2f}  p99 {p99:6.2f}  mean {statistics.fmean(samples):6.2f}"
        )
    overhead_p50 = percentile(gateway_ms, 0.5) - percentile(moto_ms, 0.5)
    overhead_p99 = percentile(gateway_ms, 0.99) - percentile(moto_ms, 0.99)
    print(f"  gateway overhead       p50 {overhead_p50:6.2f}  p99 {overhead_p99:6.2f}")
    print(
        f"  DescribeExperiment (gateway's own fill) p50 {percentile(fill_ms, 0.5):.2f}"
        f"  p99 {percentile(fill_ms, 0.99):.2f}"
    )


def throughput(sandbox: Sandbox, clients: int, per_client: int) -> None:
    """Concurrent clients mixing allowed reads, allowed writes and expected denials."""
    outcomes = {"ok": 0, "denied as expected": 0, "unexpected": 0}
    lock = threading.Lock()
    principals = ["usera1@studio", "userb1@studio", "usera2@studio", "admin"]

    def work(index: int) -> None:
        principal = principals[index % len(principals)]
        client = sandbox.session_for(principal).client("sagemaker", config=NO_RETRIES)
        counts = {"ok": 0, "denied as expected": 0, "unexpected": 0}
        for step in range(per_client):
            try:
                if step % 4 == 3:
                    client.delete_experiment(ExperimentName="userb1teambexperiment1-missing")
                elif step % 4 == 2:
                    client.search(Resource="Experiment", MaxResults=5)
                else:
                    client.describe_experiment(ExperimentName="teama-seeded-experiment")
                counts["ok"] += 1
            except ClientError as error:
                code = error.response["Error"]["Code"]
                expected = step % 4 == 3 and code in ("AccessDeniedException", "ResourceNotFound")
                counts["denied as expected" if expected else "unexpected"] += 1
            except Exception:  # a dropped connection or timeout counts against the sandbox
                counts["unexpected"] += 1
        with lock:
            for key, value in counts.items():
                outcomes[key] += value

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    total = clients * per_client
    print(f"throughput: {clients} concurrent clients x {per_client} requests = {total} requests")
    print(f"  {total / elapsed:.0f} requests/s over {elapsed:.1f} s; outcomes: {outcomes}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="sequential latency samples")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--per-client", type=int, default=500)
    args = parser.parse_args()
    sandbox = Sandbox(load_scenario(default_scenario_path()), port=0)
    sandbox.start()
    # moto alone, served the same way (threaded, keep-alive), so only the gateway differs
    moto = make_server(
        "127.0.0.1",
        0,
        DomainDispatcherApplication(create_backend_app),
        threaded=True,
        request_handler=keep_alive_handler(MotoRequestHandler),
    )
    serving = threading.Thread(target=moto.serve_forever, daemon=True)
    serving.start()
    try:
        latency(sandbox, f"http://127.0.0.1:{moto.server_address[1]}", args.requests)
        throughput(sandbox, args.clients, args.per_client)
        print(f"audit events kept in memory: {len(sandbox.audit.events())}")
    finally:
        moto.shutdown()
        moto.server_close()
        serving.join()
        sandbox.stop()


if __name__ == "__main__":
    main()
