"""Every reaction in the code has a test that proves it over the real broker: a service that starts reacting to a
new event type fails here until a test in tests/integration/test_reactions_over_kafka*.py declares it with
@pytest.mark.reaction(service, event_type) (and that test asserts the consuming inbox saw it over Kafka).

The declarations are read from the test files' source (ast), so this stays a fast unit test; the inventory comes
from the code (each service's ServiceSpec.consumers, tests/kafka_helpers.reaction_inventory)."""
from __future__ import annotations

import ast
from pathlib import Path

from kernel.contracts.registry import contract_for
from tests.kafka_helpers import REACTION_TESTS, reaction_inventory

ROOT = Path(__file__).resolve().parents[2]
# Reactions whose events no public API of a test session can cause yet, each with why. Keep it short and true:
# the test below fails when one of these gains a broker test (then drop it here) or leaves the code. Empty since
# test_reactions_over_kafka_ops.py proved the last five (pipelines' alerts and reports, payouts, fraud reviews).
NOT_YET_OVER_KAFKA: dict[tuple[str, str], str] = {}


def _strings(node: ast.expr, constants: dict[str, list[str]]) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Starred) and isinstance(node.value, ast.Name) and node.value.id in constants:
        return constants[node.value.id]
    raise AssertionError(f"reaction marker argument must be a string or *NAME of strings: {ast.dump(node)}")


def _module_constants(tree: ast.Module) -> dict[str, list[str]]:
    """NAME = ("a", "b", ...) at module level: the tuples the markers spread (*VENDOR)."""
    constants: dict[str, list[str]] = {}
    for stmt in tree.body:
        if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, (ast.Tuple, ast.List))
                and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in stmt.value.elts)):
            constants[stmt.targets[0].id] = [e.value for e in stmt.value.elts]
    return constants


def declared() -> dict[tuple[str, str], list[str]]:
    """(service, current event type) → the broker tests declaring it, from the reaction test files' source."""
    found: dict[tuple[str, str], list[str]] = {}
    for path in sorted(ROOT.glob(REACTION_TESTS)):
        tree = ast.parse(path.read_text(), str(path))
        constants = _module_constants(tree)
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.AsyncFunctionDef | ast.FunctionDef) or not fn.name.startswith("test_"):
                continue
            for deco in fn.decorator_list:
                if (isinstance(deco, ast.Call) and isinstance(deco.func, ast.Attribute)
                        and deco.func.attr == "reaction"):
                    service, *types = [s for arg in deco.args for s in _strings(arg, constants)]
                    for event_type in types:
                        found.setdefault((service, contract_for(event_type).type), []).append(
                            f"{path.name}::{fn.name}")
    return found


def test_every_reaction_in_the_code_has_a_broker_test():
    code, proven = set(reaction_inventory()), set(declared())
    missing = sorted(code - proven - set(NOT_YET_OVER_KAFKA))
    assert not missing, (f"{len(missing)} reactions have no test over Kafka (add one to {REACTION_TESTS} marked "
                         f"@pytest.mark.reaction(service, event_type)): {missing}")


def test_declarations_name_real_reactions_and_the_gap_list_is_current():
    code, proven = set(reaction_inventory()), set(declared())
    assert not sorted(proven - code), "a test declares a reaction no service has"
    assert not sorted(set(NOT_YET_OVER_KAFKA) - code), "NOT_YET_OVER_KAFKA names a reaction no service has"
    assert not sorted(set(NOT_YET_OVER_KAFKA) & proven), "proven now: drop it from NOT_YET_OVER_KAFKA"


def test_the_inventory_reads_the_code():
    reactions = set(reaction_inventory())
    # A few the issue names, by their current names (the renamed events resolve to the new ones)
    assert {("cart", "product.approved"), ("orders", "payment.failed"), ("inventory", "order.returned"),
            ("orders", "shipping.label.created"), ("catalog", "review.approved")} <= reactions
    assert all(contract_for(t).type == t for _, t in reactions)
