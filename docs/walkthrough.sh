#!/usr/bin/env bash
# The README's walkthrough: each role's commands on the persistent local node, one after another.
# Run from the project root after `./dev setup`:  bash docs/walkthrough.sh
# It works in ./demo (DEMO=dir to change; it must not exist yet) and on port 8645 (PORT=n), and
# stops its node at the end. tests/e2e/test_walkthrough.py runs it, so the README's steps stay true.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$ROOT/.venv/bin:$ROOT/node_modules/.bin:$PATH"
DEMO=${DEMO:-demo}
PORT=${PORT:-8645}
if [ -e "$DEMO" ]; then
    echo "walkthrough: $DEMO already exists; remove it or set DEMO" >&2
    exit 2
fi

# The test chain's well-known accounts (public mnemonic): customs deploys, the others act.
PRODUCER=0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC   # TEST::2, certifier of the boiler example
IMPORTER=0x90F79bf6EB2c4f870365E785982E1f101E93b906   # TEST::3
CUSTOMS=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266    # TEST::0

# Print each command as a reader would type it, then its answer (ape's progress lines go to stderr).
step() {
    local shown=() word
    for word in "$@"; do
        case "$word" in *" "*) shown+=("'$word'") ;; *) shown+=("$word") ;; esac
    done
    printf '\n$ %s\n' "${shown[*]}"
    "$@" 2>"$DEMO/last-stderr" || {
        local code=$?
        cat "$DEMO/last-stderr" >&2
        return "$code"
    }
}
recipient() { originproof --home "$DEMO/$1" --json keys show | python3 -c 'import json, sys; print(json.load(sys.stdin)["recipient"])'; }

mkdir -p "$DEMO"
trap 'originproof --home "$DEMO/node" node stop >/dev/null 2>&1 || true' EXIT

# 1. A local chain that outlives each command, and the contracts on it (customs deploys).
step originproof --home "$DEMO/node" node start --port "$PORT"
step ape run deploy --network "http://127.0.0.1:$PORT" --account TEST::0 --yes --record "$DEMO/deployments.json"

# Every party below works from its own home, on that node, with that deployment, sharing one store.
export ORIGINPROOF_NETWORK="http://127.0.0.1:$PORT"
export ORIGINPROOF_DEPLOYMENTS="$DEMO/deployments.json"
export ORIGINPROOF_STORE="sqlite:///$DEMO/shared.db"

# 2. Each party makes its age identity; customs publishes its key and enrolls the others.
step originproof --home "$DEMO/customs" keys new
step originproof --home "$DEMO/producer" keys new
step originproof --home "$DEMO/importer" keys new
step originproof --home "$DEMO/customs" participants publish-key --account TEST::0
step originproof --home "$DEMO/customs" participants enroll "$PRODUCER" --role producer --key "$(recipient producer)" --account TEST::0
step originproof --home "$DEMO/customs" participants enroll "$IMPORTER" --role importer --key "$(recipient importer)" --account TEST::0

# 3. The producer certifies a boiler (its annex, examples/usmca-single-boiler.annex.json, is found beside it).
step originproof --home "$DEMO/producer" certify examples/usmca-single-boiler.certificate.json --to "$IMPORTER" --account TEST::2
HASH=$(originproof --home "$DEMO/producer" --json list --account TEST::2 2>/dev/null | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["cert_hash"])')

# 4. It discloses three fields to the importer, who verifies them against the chain.
step originproof --home "$DEMO/producer" disclose "$HASH" --fields /goods/0/hs_code --fields /goods/0/origin_criterion --fields /certifier/name -o "$DEMO/boiler.disclosure.json"
step originproof --home "$DEMO/importer" verify "$DEMO/boiler.disclosure.json"

# 5. The importer claims preference; customs opens a verification; the producer sees both.
step originproof --home "$DEMO/importer" claim "$HASH" --entry ENT-2025-0001 --account TEST::3
step originproof --home "$DEMO/customs" verification open "$HASH" --request "Questionnaire 2025-17: RVC of HS 8402.11" --account TEST::0
step originproof --home "$DEMO/producer" inbox --account TEST::2

# 6. The producer grants customs the certificate and its annex; customs recomputes RVC and rules.
step originproof --home "$DEMO/producer" grant share "$HASH" --to "$CUSTOMS" --part certificate --account TEST::2
step originproof --home "$DEMO/producer" grant share "$HASH" --to "$CUSTOMS" --part annex --account TEST::2
step originproof --home "$DEMO/customs" verification rvc "$HASH" --account TEST::0
step originproof --home "$DEMO/customs" verification close "$HASH" --affirm --finding "RVC 68.3% by transaction value" --account TEST::0

# 7. Anyone can check the certificate again; customs audits the store against the chain.
step originproof --home "$DEMO/importer" verify "$DEMO/boiler.disclosure.json"
step originproof --home "$DEMO/customs" audit
step originproof --home "$DEMO/producer" list --account TEST::2

# 8. The annex leaves the store as a standard age file that the age tool opens.
step originproof --home "$DEMO/producer" export "$HASH" --part annex -o "$DEMO/boiler-annex.age"
printf '\n$ age -d -i %s %s | head -c 120\n' "$DEMO/producer/identity.txt" "$DEMO/boiler-annex.age"
age -d -i "$DEMO/producer/identity.txt" "$DEMO/boiler-annex.age" | head -c 120
echo

# 9. The node keeps its chain across a restart.
step originproof --home "$DEMO/node" node stop
step originproof --home "$DEMO/node" node start --port "$PORT"
step originproof --home "$DEMO/importer" verify "$DEMO/boiler.disclosure.json"
