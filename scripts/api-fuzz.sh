#!/usr/bin/env bash
# Schemathesis against a real `inkaso-cloud serve` on loopback: every operation of the served
# OpenAPI document, examples, coverage, fuzzing and the stateful phase, with every check except
# `positive_data_acceptance` (the domain's rules — a valid process, a Polish NIP — are richer
# than JSON Schema can say, so schema-valid requests may rightly be refused with 400). Any other
# failure fails this script: an undocumented status code or content type, a schema-violating
# request accepted, a response not matching its schema, a server error.
#
# Seeds a firm with an agent, a debtor with a document, a process, a case handed to a law firm
# admin API tokens of both and the agent's token, and hands their ids (and SMSAPI's callback
# secret) to Schemathesis (tests/api/schemathesis.toml). Stops its server on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

version=4.32.5
tools="${XDG_CACHE_HOME:-$HOME/.cache}/inkaso/schemathesis-$version"
if [ ! -x "$tools/bin/schemathesis" ]; then
  echo "==> Installing Schemathesis $version into $tools"
  python3 -m venv "$tools"
  "$tools/bin/pip" install --quiet "schemathesis==$version"
fi

cargo build --locked --quiet -p inkaso-cloud --bin inkaso-cloud
bin="$PWD/target/debug/inkaso-cloud"
work="$(mktemp -d)"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

export INKASO_DATABASE_URL="sqlite://$work/inkaso.db?mode=rwc"
"$bin" migrate >/dev/null
tenant=$("$bin" tenant create --name "Hurtownia Fuzz" | awk '/^tenant_id:/ {print $2}')
token=$("$bin" api-token create --tenant "$tenant" --name fuzz --role admin | awk '/inkc_/ {print $NF}')
agent_token=$("$bin" agent create --tenant "$tenant" --name ERP | awk '/inka_|Token/ {print $NF}' | tail -1)
cat > "$work/std.json" <<'JSON'
{"code": "STD", "name": "Standardowy", "stages": [
  {"code": "S-3", "name": "Przypomnienie SMS", "channel": "sms", "offset_days": -3, "template": "sms-przed", "grouping": "per_document"},
  {"code": "E0", "name": "E-mail w dniu terminu", "channel": "email", "offset_days": 0, "template": "email-termin"}
]}
JSON
"$bin" process set --tenant "$tenant" --file "$work/std.json" --default >/dev/null
partner=$("$bin" partner create --name "Kancelaria Fuzz" --client "$tenant" | awk '/^partner_id:/ {print $2}')
partner_token=$("$bin" api-token create --tenant "$partner" --name fuzz --role admin | awk '/inkc_/ {print $NF}')

# A free loopback port: bind to 0 and read back what the kernel gave.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
"$bin" serve --listen "127.0.0.1:$port" --vat-register-url "" --insecure-cookies >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done

curl -sf -X POST "$base/agent/v1/batches" -H "Authorization: Bearer $agent_token" \
  -H 'Content-Type: application/json' -d '{"protocol": 1, "seq": 1, "ops": [
  {"op": "upsert_debtor", "debtor": {"external_id": "KH-1", "kind": "company", "name": "Firma Sp. z o.o.",
    "nip": "5260250995", "email": "biuro@firma.pl", "phone": "+48601234567", "address": null}},
  {"op": "upsert_document", "document": {"external_id": "FV-1", "debtor_external_id": "KH-1",
    "number": "FS 1/2026", "issue_date": "2026-10-01", "due_date": "2026-10-31",
    "amount_minor": 123456, "remaining_minor": 123456, "currency": "PLN"}}]}' >/dev/null
first_id() {
  curl -sf "$base/api/v1/$1" -H "Authorization: Bearer $token" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["id"])'
}
agent_id=$(curl -sf "$base/api/v1/agents" -H "Authorization: Bearer $token" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["id"])')
case_id=$(curl -sf -X POST "$base/api/v1/cases" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' \
  -d "{\"agent_id\": \"$agent_id\", \"debtor_external_id\": \"KH-1\", \"document_external_ids\": [\"FV-1\"]}" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
export INKASO_FUZZ_TOKEN="$token"
export INKASO_FUZZ_AGENT_TOKEN="$agent_token"
export INKASO_FUZZ_CALLBACK_SECRET="$("$bin" callback-url --base http://x | sed 's#.*/##')"
export INKASO_FUZZ_PARTNER_TOKEN="$partner_token"
export INKASO_FUZZ_CASE="$case_id"
export INKASO_FUZZ_DEBTOR="$(first_id debtors)"
export INKASO_FUZZ_DOCUMENT="$(first_id documents)"

status=0
# One worker: Hypothesis parses lambdas' source with `ast`, which on some Python builds is not
# thread-safe ("AST constructor recursion depth mismatch" with two workers). Concurrent writers
# are covered by the cargo tests (runner_store::concurrent_writers_all_succeed).
"$tools/bin/schemathesis" --config-file tests/api/schemathesis.toml run "$base/api/openapi.json" \
  --workers 1 --max-examples "${INKASO_FUZZ_EXAMPLES:-25}" --seed "${INKASO_FUZZ_SEED:-1}" \
  --report junit --report-dir "${INKASO_FUZZ_REPORTS:-target/schemathesis}" || status=$?
if grep -q "panicked" "$work/serve.log"; then
  echo "error: the server panicked during the run:" >&2
  grep -A2 "panicked" "$work/serve.log" >&2
  status=1
fi
exit "$status"
