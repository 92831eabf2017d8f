# Shared by run.sh and test.sh: install what is missing, start the local services.
# shellcheck shell=bash

# npm packages (Azurite, the web app's tooling) from the lockfile, when missing or stale.
ensure_npm_packages() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "== npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && exec 3>&- ; }

# Starts an in-memory Azurite for the tests unless one already answers; prints its pid (or nothing).
ensure_azurite_for_tests() {
  if port_open 10000 && port_open 10002; then return 0; fi
  node node_modules/azurite/dist/src/azurite.js --silent --inMemoryPersistence --skipApiVersionCheck --loose \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do
    if port_open 10000 && port_open 10002; then echo "$pid"; return 0; fi
    sleep 0.2
  done
  echo "Azurite did not start" >&2
  return 1
}
