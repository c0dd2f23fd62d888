# Sourced by scripts/bench.sh and scripts/bench-tui.sh: builds the release
# binary and the capture generator, and makes (or reuses) the synthetic
# capture both benchmarks measure. In: $1 = megabytes (default 1000),
# $2 = profile (`--stun` or empty). Out: $file, $bytes.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mb=${1:-1000}
profile=${2:-}
file=bench-data/bench-${mb}mb${profile:+-stun}.pcap
mkdir -p bench-data
cargo build --release --quiet --bin edgecap --example gen_bench_capture
if [ ! -s "$file" ]; then
  ./target/release/examples/gen_bench_capture "$file" "$mb" $profile
fi
bytes=$(stat -c %s "$file")
