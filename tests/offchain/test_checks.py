"""The chain-boundary checks: account addresses as eth_utils reads them, faster."""

import pytest
from eth_utils import is_checksum_address, to_checksum_address
from hypothesis import given, settings
from hypothesis import strategies as st

from originproof._internal.checks import require_address
from originproof.errors import ValidationError

addresses = st.binary(min_size=20, max_size=20).map(lambda raw: raw.hex())


@settings(max_examples=200)
@given(
    digits=addresses, case=st.sampled_from(["lower", "upper", "checksummed", "flipped"]), prefix=st.booleans()
)
def test_require_address__any_spelling__agrees_with_eth_utils(digits, case, prefix):
    checksummed = to_checksum_address(digits)[2:]
    spelled = {
        "lower": digits,
        "upper": digits.upper(),
        "checksummed": checksummed,
        "flipped": checksummed.swapcase(),
    }[case]
    value = ("0x" if prefix else "") + spelled
    single_case = spelled in (spelled.lower(), spelled.upper())
    if single_case or is_checksum_address(value):
        assert require_address(value, "owner") == to_checksum_address(value)
    else:
        with pytest.raises(ValidationError, match="its EIP-55 checksum is wrong"):
            require_address(value, "owner")
