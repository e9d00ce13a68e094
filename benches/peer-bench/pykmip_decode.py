#!/usr/bin/env python3
"""PyKMIP decode throughput on the 312-byte Get response of benches/peers.rs.

Decodes the bytes in get_response.hex (kept in sync with the Rust bench,
which asserts they are the bytes it benchmarks) with PyKMIP 0.11.0's
ResponseMessage.read: header, batch item, Get response payload and the
Symmetric Key object, i.e. PyKMIP's full typed decode. Prints the best and
median MB/s (1 MB = 10^6 bytes, as criterion reports) over several timed
rounds, and checks once that the key material came back intact.

Run (PyKMIP from ../shared/peers/pykmip/setup.sh or `pip install pykmip==0.11.0`):
    PY=/tmp/pykmip/venv/bin/python
    $PY benches/peer-bench/pykmip_decode.py
"""

import os
import statistics
import sys
import time

from kmip.core import enums, messages, utils

HERE = os.path.dirname(os.path.abspath(__file__))


def decode(data):
    msg = messages.ResponseMessage()
    msg.read(utils.BytearrayStream(data), kmip_version=enums.KMIPVersion.KMIP_1_2)
    return msg


def main():
    with open(os.path.join(HERE, "get_response.hex")) as f:
        data = bytes.fromhex(f.read().strip())
    msg = decode(data)
    item = msg.batch_items[0]
    key = item.response_payload.secret.key_block.key_value.key_material.value
    assert item.operation.value == enums.Operation.GET, item.operation
    assert key == bytes(range(32)), key
    assert len(data) == 312, len(data)

    rounds, per_round = 15, 2000
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(per_round):
            decode(data)
        elapsed = time.perf_counter() - start
        rates.append(len(data) * per_round / elapsed / 1e6)
    print(
        f"pykmip/ResponseMessage.read get_response ({len(data)} B): "
        f"best {max(rates):.2f} MB/s, median {statistics.median(rates):.2f} MB/s, "
        f"median {len(data) / statistics.median(rates):.1f} us/message "
        f"(python {sys.version.split()[0]})"
    )


if __name__ == "__main__":
    main()
