#!/usr/bin/env bash
# Run ADL's LRS conformance suite against this LRS (not part of `make test`).
#
# The suite is not on npm: clone github.com/adlnet/lrs-conformance-test-suite
# yourself and point LRS_SUITE_DIR at it. This script needs no network beyond
# `npm install` in that directory. It creates a throw-away database, issues a
# read+write client, serves the site on a free port and runs the suite's tests
# the way its bin/lrs-test.js does (mocha, 15 s timeout) for each version.
#
#   LRS_SUITE_DIR=~/src/lrs-conformance-test-suite scripts/lrs_conformance.sh [1.0.3] [2.0.0]
set -euo pipefail

: "${LRS_SUITE_DIR:?set LRS_SUITE_DIR to a checkout of adlnet/lrs-conformance-test-suite}"
cd "$(dirname "$0")/.."
versions=("$@")
[ ${#versions[@]} -eq 0 ] && versions=(1.0.3 2.0.0)

port=${LRS_PORT:-8931}
database=lrs_conformance_$$
export DJANGO_SETTINGS_MODULE=learning.settings.dev
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$database"

[ -d "$LRS_SUITE_DIR/node_modules" ] || (cd "$LRS_SUITE_DIR" && npm install --no-audit --no-fund)

createdb -h 127.0.0.1 -U postgres "$database"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  dropdb -h 127.0.0.1 -U postgres --if-exists "$database" || true
}
trap cleanup EXIT

.venv/bin/python manage.py migrate -v0
credentials=$(.venv/bin/python manage.py shell -c "
from xapi.services import client_issue
client, secret = client_issue(name='ADL conformance suite', scope='read_write')
print(client.key + ':' + secret)" | tail -n1)

.venv/bin/python manage.py runserver "127.0.0.1:$port" --noreload >"${TMPDIR:-/tmp}/lrs_conformance_server.log" 2>&1 &
server_pid=$!
for _ in $(seq 30); do
  curl -sf "http://127.0.0.1:$port/xapi/about" >/dev/null && break
  sleep 1
done

# A rebuilt suite may carry test/runner-setup.js (chai-things and the suite/LRS
# time margin that ADL's full runs get from other files); load it first.
setup=""
[ -f "$LRS_SUITE_DIR/test/runner-setup.js" ] && setup=test/runner-setup.js

status=0
for version in "${versions[@]}"; do
  case $version in
    1.0.3) directory=v1_0_3 ;;
    2.0.0) directory=v2_0 ;;
    *) echo "unknown xAPI version $version" >&2; exit 2 ;;
  esac
  echo "== xAPI $version"
  (
    cd "$LRS_SUITE_DIR"
    DIRECTORY=$directory LRS_ENDPOINT="http://127.0.0.1:$port/xapi" \
      BASIC_AUTH_ENABLED=true BASIC_AUTH_USER="${credentials%%:*}" \
      BASIC_AUTH_PASSWORD="${credentials#*:}" XAPI_VERSION=$version \
      node node_modules/mocha/bin/_mocha --timeout 15000 --reporter spec $setup "test/$directory"/*.js
  ) || status=1
done
exit $status
