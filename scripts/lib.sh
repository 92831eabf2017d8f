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

# The SMTP dev server (smtp4dev, a dotnet tool pinned in .config/dotnet-tools.json): SMTP on 127.0.0.1:2525,
# its API on 127.0.0.1:5080. Prints its pid when this call started it.
ensure_smtp4dev() {
  if port_open 2525 && port_open 5080; then return 0; fi
  dotnet tool restore >/dev/null
  mkdir -p .smtp4dev
  dotnet tool run smtp4dev -- --urls=http://127.0.0.1:5080 --smtpport=2525 --bindaddress=127.0.0.1 \
    --imapport=0 --pop3port=0 --db= --messagestokeep=100000 --hostname=localhost \
    >.smtp4dev/smtp4dev.log 2>&1 &
  local pid=$!
  for _ in $(seq 1 150); do
    if port_open 2525 && port_open 5080; then echo "$pid"; return 0; fi
    sleep 0.2
  done
  echo "smtp4dev did not start (see .smtp4dev/smtp4dev.log)" >&2
  return 1
}
