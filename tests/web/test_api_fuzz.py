"""The JSON API fuzzed against its own OpenAPI spec (schemathesis): every operation under
/api gets inputs that fit its schema and inputs that break it, sent with a supervisor's token
(a supervisor passes every gate) on a copy of the demo court; no input may make the server
fail (a 5xx, or an exception out of the app).

Random ids seldom name a real case, step or SOP, so half the examples have their path's ids
replaced by the demo court's own (still drawn by hypothesis): the bodies then reach the
engine's rules, not only the 404. Derandomized and capped per operation, so a run is the
same every time and stays well under a minute of work; one xdist group keeps the whole file
on one worker (``make test`` runs ``pytest -n auto --dist loadgroup``)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from sop_runtime.service import auth, integrity, seals
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.web.app import create_app
from tests.conftest import DEFINITIONS
from tests.integration.service.conftest import copy_database

pytestmark = pytest.mark.xdist_group("api-fuzz")

SUPERVISOR = "bambang.panitera"
# examples per operation (SOP_FUZZ_EXAMPLES=500 for a long hunt)
EXAMPLES = int(os.environ.get("SOP_FUZZ_EXAMPLES", "25"))
# the demo court's own ids (sop demo plays nine cases, SNN-2026-00001 to -00009)
REAL = {"case_id": [f"SNN-2026-{n:05d}" for n in range(1, 10)],
        "node": [str(n) for n in range(1, 15)],
        "sop_id": sorted(p.stem for p in DEFINITIONS.glob("*.yaml") if p.name != "court.yaml")}


def _spec() -> dict[str, Any]:
    """The app's OpenAPI spec (it does not depend on a court's data)."""
    return create_app(Runtime(make_engine("sqlite://"))).openapi()


# one pytest test per operation, parametrized here rather than by schemathesis' own pytest
# integration: on pytest 9.2 its items share one node id (xdist would run one of them) and
# its fixture-based loader does not run
schema = schemathesis.openapi.from_dict(_spec()).include(path_regex=r"^/api/")
OPERATIONS = [result.ok() for result in schema.get_all_operations()]
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


def cases(operation: Any) -> st.SearchStrategy[Any]:
    """Requests that fit the operation's schema and requests that break it; for an operation
    on a case, a step or an SOP, as many again on the demo court's own ids."""
    options = [operation.as_strategy(generation_mode=mode) for mode in MODES]
    real = [name for name in re.findall(r"{(\w+)}", operation.path) if name in REAL]
    if real:
        ids = st.fixed_dictionaries({name: st.sampled_from(REAL[name]) for name in real})
        options += [ids.flatmap(lambda fixed, mode=mode: operation.as_strategy(
            generation_mode=mode, path_parameters=fixed)) for mode in MODES]
    return st.one_of(options)


@pytest.fixture(scope="module")
def fuzzed_court(tmp_path_factory: pytest.TempPathFactory, demo_day: Path) -> dict[str, Any]:
    db = copy_database(demo_day, tmp_path_factory.mktemp("api-fuzz") / "sop.db")
    rt = Runtime(make_engine(f"sqlite:///{db}"))
    seals.seal(rt, SUPERVISOR, note="fuzz")  # so the proofs have something to prove
    token = auth.issue_token(rt, SUPERVISOR, "fuzz")
    return {"rt": rt, "app": create_app(rt), "headers": {"Authorization": f"Bearer {token}"}}


def test_every_api_operation_is_fuzzed() -> None:
    assert len(OPERATIONS) >= 30
    assert {op.label for op in OPERATIONS} >= {"GET /api/tasks", "POST /api/conformance"}


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_no_input_makes_the_api_fail(operation: Any, fuzzed_court: dict[str, Any]) -> None:
    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=cases(operation))
    def fuzz(case: Any) -> None:
        case.call_and_validate(app=fuzzed_court["app"], headers=fuzzed_court["headers"],
                               checks=[not_a_server_error])

    fuzz()
    # whatever the fuzzer sent, the log still verifies: nothing half-written
    assert integrity.verify(fuzzed_court["rt"]).ok
