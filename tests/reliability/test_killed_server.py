"""Killing the server while clients write loses no acknowledged record.

A client writes instruments one by one through the REST API; the server process
is killed (SIGKILL) in the middle. After a restart, every instrument whose
creation was acknowledged (201) is there, its receipt verifies, and the ledger
verifies: nothing half written.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx

from sitrace.ledger import Receipt, verify_receipt
from sitrace.services import SYSTEM, ledger
from sitrace.services.registry import create_organisation, create_user
from sitrace.services.schemas import OrganisationCreate, UserCreate
from sitrace.store import models as m


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(database_url: str, env: dict, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable, "-c", "from sitrace.cli.main import app; app()", "serve",
            "--database", database_url, "--port", str(port),
        ],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("the server did not start")


def test_killing_the_server_loses_no_acknowledged_record(datacentre, database_url):
    dc = datacentre
    owner = create_organisation(
        dc, SYSTEM, OrganisationCreate(code="OWN", name="Owner", kind="owner")
    ).record["id"]
    token = create_user(
        dc, SYSTEM, UserCreate(name="owner", role="owner", organisation=owner)
    ).token
    env = dict(os.environ, SITRACE_LEDGER_KEY=dc.signer.key, SITRACE_ORIGIN=dc.origin)
    port = _free_port()
    server = _start(database_url, env, port)
    acknowledged: dict[str, dict] = {}
    stop = threading.Event()

    def client() -> None:
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}/api/v1",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        ) as http:
            k = 0
            while not stop.is_set():
                serial = f"S-{k}"
                body = {"name": f"scale {k}", "serial": serial, "quantity": "mass",
                        "unit": "\\kilogram", "mpe": 0.03}  # fmt: skip
                try:
                    response = http.post("/instruments", json=body)
                except httpx.HTTPError:
                    return
                if response.status_code == 201:
                    acknowledged[serial] = response.json()
                k += 1

    thread = threading.Thread(target=client)
    thread.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    server.send_signal(signal.SIGKILL)
    server.wait(timeout=30)
    stop.set()
    thread.join(timeout=30)
    assert len(acknowledged) >= 20

    server = _start(database_url, env, port)  # restarts cleanly on the same database
    try:
        with dc.reading() as session:
            stored = {row.serial for row in session.query(m.Item).filter(m.Item.owner_id == owner)}
            report = ledger.verify(session, dc.verifier)
        assert set(acknowledged) <= stored  # no acknowledged record is lost
        assert len(stored - set(acknowledged)) <= 1  # at most the one in flight
        assert report.ok, report.to_dict()
        for body in acknowledged.values():
            receipt = Receipt.from_dict(body["receipt"])
            assert verify_receipt(receipt, dc.verifier).ok
    finally:
        server.kill()
        server.wait(timeout=30)
