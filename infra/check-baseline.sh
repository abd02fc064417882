#!/usr/bin/env bash
# Fails the build when the synthesized infrastructure differs from the committed baseline.
#
#   bash infra/check-baseline.sh            synth (cdk-nag included), then `cdk diff --template --fail`
#   bash infra/check-baseline.sh --update   synth and overwrite the baseline (commit it with the change)
#
# Offline: no credentials, no network. Always synthesizes to cdk.out (asset hashes depend on it).
set -euo pipefail
cd "$(dirname "$0")/.."
export CDK_DISABLE_VERSION_CHECK=1 CDK_DISABLE_CLI_TELEMETRY=true AWS_EC2_METADATA_DISABLED=true
STACK=ChatlineStack
BASELINE="infra/baseline/${STACK}.template.json"
CDK=node_modules/.bin/cdk

"$CDK" synth --quiet --output cdk.out "$STACK" 2> >(grep -v -e '^npm warn' >&2)

if [[ "${1:-}" == "--update" ]]; then
  cp "cdk.out/${STACK}.template.json" "$BASELINE"
  echo "baseline updated: $BASELINE (review the diff and commit it)"
  exit 0
fi

# --app cdk.out diffs the assembly just synthesized (no second synth). --fail: exit 1 on any difference.
if ! "$CDK" diff --app cdk.out --template "$BASELINE" --fail "$STACK"; then
  echo "infrastructure differs from $BASELINE." >&2
  echo "If the change is intended: bash infra/check-baseline.sh --update, then commit the baseline." >&2
  exit 1
fi
echo "infrastructure matches $BASELINE"
