# Sourced (from the repository root) by test.sh, test-e2e.sh, test-faults.sh and bench.sh:
# refuses to go on without root, installs the programs of scripts/programs.list, starts the
# loopback test environment, installs the npm dependencies, builds the package, checks that
# every listed program answers, puts Node 24 first on PATH and exports STACK_TESTENV.
#   source scripts/test-prelude.sh "npm test"
if [ "$(id -u)" != 0 ]; then
  echo "$1 needs root: it installs Debian packages and runs its own Docker Engine. Run: sudo $1" >&2
  exit 1
fi
bash scripts/testenv.sh start >&2
bash scripts/install-deps.sh
npm run build --silent >/dev/null
# The single executable (Node 24 inside) that the bare-machine tests run.
bash scripts/build-sea.sh >/dev/null
# Every program the suites start answers, or the run stops here naming its package.
bash scripts/programs.sh check
# shellcheck source=node24.sh
source scripts/node24.sh
export STACK_TESTENV=${STACK_TESTENV_DIR:-/tmp/stack-backup-testenv}/env.json
# --experimental-vm-modules lets jest load ESM-only dependencies (age-encryption) through
# require(), as Node 24 itself does; without it jest refuses them.
JEST=(node --experimental-vm-modules --no-warnings=ExperimentalWarning node_modules/jest/bin/jest.js)
