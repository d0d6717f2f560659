"""The gas benchmark's floor arithmetic (bench/floor.py): EVM prices, no chain."""

import importlib.util
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from originproof.errors import ValidationError

# bench/ is a folder of scripts, not a package: load its module by path, as `python bench/gas.py` does.
_PATH = Path(__file__).resolve().parents[2] / "bench" / "floor.py"
_SPEC = importlib.util.spec_from_file_location("bench_floor", _PATH)
assert _SPEC is not None and _SPEC.loader is not None
gas_floor = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = gas_floor
_SPEC.loader.exec_module(gas_floor)

Log, SlotWrite, Write = gas_floor.Log, gas_floor.SlotWrite, gas_floor.Write


def test_calldata_gas__zero_and_nonzero_bytes__cost_4_and_16():
    assert gas_floor.calldata_gas(b"") == 0
    assert gas_floor.calldata_gas(b"\x00") == 4
    assert gas_floor.calldata_gas(b"\x01") == 16
    assert gas_floor.calldata_gas(b"\x00\xff\x00") == 24


def test_calldata_tokens__nonzero_byte__counts_four():
    assert gas_floor.calldata_tokens(b"\x00\x00\xff") == 6


def test_eip7623_floor__is_base_plus_10_per_token():
    assert gas_floor.eip7623_floor(b"\x00\x00\xff") == 21_000 + 60


def test_slot_write__new_slot__costs_22_100_and_an_update_5_000():
    assert SlotWrite("a", Write.NEW).gas == 22_100
    assert SlotWrite("a", Write.UPDATE).gas == 5_000


def test_log__costs_375_plus_375_per_topic_plus_8_per_data_byte():
    assert Log(topics=0, data_bytes=0).gas == 375
    # CertificateRegistered: signature, cert_hash, certifier; four data words.
    assert Log(topics=3, data_bytes=128).gas == 375 + 3 * 375 + 1_024


def test_floor__single_shipment_register__adds_base_calldata_slot_and_log():
    data = bytes(127) + b"\x01" * 37
    result = gas_floor.floor(data, [SlotWrite("record", Write.NEW)], [Log(3, 128)], eip7623=True)
    assert (result.calldata, result.storage, result.logs) == (1_100, 22_100, 2_524)
    assert result.standard == result.total == 46_724
    assert result.eip7623 == 21_000 + 10 * (127 + 4 * 37)


def test_floor__calldata_heavy_call_under_eip7623__is_billed_at_the_calldata_floor():
    data = b"\xff" * 1_000
    priced = gas_floor.floor(data, [], [], eip7623=True)
    assert priced.standard == 21_000 + 16_000
    assert priced.total == 21_000 + 40_000


def test_floor__before_prague__has_no_eip7623_term():
    result = gas_floor.floor(b"\xff" * 1_000, [], [], eip7623=False)
    assert result.eip7623 is None
    assert result.total == result.standard == 37_000


@pytest.mark.parametrize(
    ("hardfork", "applies"),
    [("london", False), ("Cancun", False), ("Prague", True), ("Osaka", True), ("Bpo1", True)],
)
def test_applies_eip7623__from_prague_on(hardfork, applies):
    assert gas_floor.applies_eip7623(hardfork) is applies


def test_applies_eip7623__unknown_hardfork__raises_naming_it():
    with pytest.raises(ValidationError, match="hardfork: 'NotAFork' is not a known Ethereum hardfork"):
        gas_floor.applies_eip7623("NotAFork")


@given(st.binary(max_size=300), st.binary(max_size=300))
def test_calldata_gas__is_additive_and_4_per_token(a, b):
    assert gas_floor.calldata_gas(a + b) == gas_floor.calldata_gas(a) + gas_floor.calldata_gas(b)
    assert gas_floor.calldata_gas(a) == 4 * gas_floor.calldata_tokens(a)


@given(
    data=st.binary(max_size=600),
    writes=st.lists(st.sampled_from([Write.NEW, Write.UPDATE]), max_size=4),
    logs=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 256)), max_size=3),
    eip7623=st.booleans(),
)
def test_floor__total_is_the_larger_of_its_two_pricings(data, writes, logs, eip7623):
    result = gas_floor.floor(
        data, [SlotWrite("s", write) for write in writes], [Log(*log) for log in logs], eip7623
    )
    assert result.standard == 21_000 + result.calldata + result.storage + result.logs
    if eip7623:
        assert result.total == max(result.standard, gas_floor.eip7623_floor(data))
    else:
        assert result.total == result.standard
