#!/usr/bin/env bash
# AF_XDP benchmark for the xsk module: one queue, one thread per side, on a veth pair between two network
# namespaces, for 64, 200, 800 and 1400-byte frames (Ethernet bytes without FCS: headers + payload).
#
#   tx    Java txgen vs the C reference sender (both into the C reference receiver)
#   rx    Java rxdrop vs the C reference receiver (both fed by the C reference sender)
#   echo  replies/s of the function-invoker echo (reverse payload, swap addresses, recompute checksums):
#         C over AF_XDP, Java over AF_XDP, Java over kernel UDP one datagram per call, and Java over kernel
#         UDP with recvmmsg/sendmmsg; the load generator is always the C reference client (window of requests)
#
# Senders and clients run on CPU 0 in namespace csxa, receivers and servers on CPU 1 in csxb. The namespaces are
# always removed on exit (it stops at once if another run is using them). Needs root, gcc, libxdp-dev, libbpf-dev,
# ethtool; gnuplot (optional) draws a chart.
#
# tx and echo rates are the RESULT of the sender or client (its own window after its warm-up). rx rates are the
# median of the receiver's per-second lines while traffic flows, the same way for C and Java, since the JVM starts
# later than the C binary and a window timed from the receiver's own start would not match the sender's.
#
# Noise: on a small shared VM back-to-back runs vary a lot, so the whole sequence (every size, every config) is
# run REPS times, C and Java runs alternating in time. Each table cell is the median over the reps, each ratio
# the median of the per-rep ratios (C and Java runs of the same rep paired), followed by the min-max of the
# ratios over the reps. $OUT/results-raw.tsv keeps every rep, $OUT/results.tsv the medians (the chart's data);
# the logs of rep N are $OUT/<config>-<size>.rN.{tx,rx}.log.
#
# Usage: sudo [REPS=3] benchmarks/xsk-bench.sh [seconds-per-run (default 3)]
# Environment: REPS=3 (repetitions, median taken), SIZES="64 200 800 1400", XDP_MODE=skb|native (default skb),
#              JAVA=java, OUT=<dir>.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_RUN=${1:-3}
WARMUP=2
SIZES=${SIZES:-"64 200 800 1400"}
REPS=${REPS:-3}
XDP_MODE=${XDP_MODE:-skb}
JAVA=${JAVA:-java}
OUT=${OUT:-benchmarks/target/xsk-bench}
A_MAC=02:00:00:77:00:01
B_MAC=02:00:00:77:00:02
A_IP=10.77.0.1
B_IP=10.77.0.2
PORT=7000

[[ "$REPS" =~ ^[1-9][0-9]*$ ]] || { echo "xsk-bench: REPS must be a positive integer, not '$REPS'" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "xsk-bench: needs root (namespaces, veth, AF_XDP)" >&2; exit 1; }
for tool in gcc ethtool ip taskset; do
    command -v "$tool" >/dev/null || { echo "xsk-bench: $tool is missing (apt-get install gcc ethtool iproute2 util-linux)" >&2; exit 1; }
done
[ -f /usr/include/xdp/xsk.h ] || { echo "xsk-bench: libxdp headers missing: apt-get install libxdp-dev libbpf-dev" >&2; exit 1; }
mkdir -p "$OUT"
OUT=$(realpath "$OUT")

# ---- build: the C reference with gcc, the Java tools with Maven when not built yet ----
gcc -O2 -Wall -o "$OUT/xsk_ref" benchmarks/native/xsk_ref.c -lxdp -lbpf
if [ ! -f cli/target/classes/io/consort/cli/tools/Main.class ] || [ ! -f xsk/target/classes/native/linux-x86_64/libconsort-xsk.so ]; then
    flock /tmp/consort-build.lock mvn -q -o -pl cli -am install -DskipTests
fi
AGRONA=$(ls ~/.m2/repository/org/agrona/agrona/*/agrona-*.jar | grep -v sources | tail -1)
CP=cli/target/classes:xsk/target/classes:iovec/target/classes:layers/target/classes:$AGRONA
JAVA_FLAGS=(--add-exports java.base/jdk.internal.misc=ALL-UNNAMED --enable-native-access=ALL-UNNAMED -Xmx256m)
TOOLS=("$JAVA" "${JAVA_FLAGS[@]}" -cp "$CP" io.consort.cli.tools.Main)
C_MODE=(); JAVA_MODE=(--xdp-mode skb)
if [ "$XDP_MODE" = native ]; then C_MODE=(-N); JAVA_MODE=(--xdp-mode native); fi

# ---- namespaces: csxa (sender/client) -- veth -- csxb (receiver/server) ----
# Other scripts on this machine use the same names: a namespace with processes in it belongs to a run under way
# and is left alone (this run stops); one without is a leftover and removed. On exit, this run removes the
# namespaces it created (recognised by their inode), not ones another script may have created since.
ns_inode() { stat -L -c %i "/run/netns/$1" 2>/dev/null || echo none; }
for ns in csxa csxb; do
    if [ -n "$(ip netns pids $ns 2>/dev/null)" ]; then
        echo "xsk-bench: namespace $ns is in use by another run (ip netns pids $ns); try again when it is over" >&2
        exit 1
    fi
done
declare -A OWN_NS=()
cleanup() {
    for ns in "${!OWN_NS[@]}"; do
        [ "$(ns_inode "$ns")" = "${OWN_NS[$ns]}" ] && { ip netns del "$ns" 2>/dev/null || true; }
    done
    return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip netns del csxa 2>/dev/null || true; ip netns del csxb 2>/dev/null || true
ip netns add csxa; OWN_NS[csxa]=$(ns_inode csxa)
ip netns add csxb; OWN_NS[csxb]=$(ns_inode csxb)
ip link add csxa0 netns csxa address $A_MAC type veth peer name csxb0 netns csxb address $B_MAC
ip -n csxa addr add $A_IP/24 dev csxa0
ip -n csxb addr add $B_IP/24 dev csxb0
for ns in csxa csxb; do ip -n $ns link set lo up; ip -n $ns link set ${ns}0 up; done
# Permanent neighbours: the C reference's default XDP program would swallow ARP.
ip -n csxa neigh add $B_IP lladdr $B_MAC dev csxa0 nud permanent
ip -n csxb neigh add $A_IP lladdr $A_MAC dev csxb0 nud permanent
# Frames sent by AF_XDP into a veth reach a kernel stack on the other end only with GRO (or XDP) there.
ip netns exec csxa ethtool -K csxa0 gro on >/dev/null
ip netns exec csxb ethtool -K csxb0 gro on >/dev/null

in_a() { ip netns exec csxa taskset -c 0 "$@"; }
in_b() { ip netns exec csxb taskset -c 1 "$@"; }
# pps from the RESULT line of <tool> in <file>; 0 when the run failed (its log stays in $OUT).
pps() { grep -m1 "^RESULT $1 " "$2" | sed 's/.* pps=\([0-9]*\).*/\1/' | grep . || echo 0; }
# pps of a receiver <tool> from its per-second lines "[tool] <Mpps> Mpps ..." in <file>: lines below 5% of the
# largest (before the sender starts, after it stops) are skipped, and so are the first and last of the remaining
# lines when there are at least three (seconds only partly covered by traffic; the first one also holds the
# receiver's own warm-up); the median of the rest. 0 when no line shows traffic (its log stays in $OUT).
rx_pps() {
    awk -v tag="[$1]" '
    $1 == tag && $3 == "Mpps" { v[n++] = $2 + 0; if ($2 + 0 > max) max = $2 + 0 }
    END {
        for (i = 0; i < n; i++) if (max > 0 && v[i] >= 0.05 * max) k[m++] = v[i]
        if (m >= 3) { for (i = 1; i < m - 1; i++) k[i - 1] = k[i]; m -= 2 }
        if (m == 0) { print 0; exit }
        for (i = 1; i < m; i++) { x = k[i]; for (j = i - 1; j >= 0 && k[j] > x; j--) k[j + 1] = k[j]; k[j + 1] = x }
        printf "%.0f\n", (m % 2 ? k[(m - 1) / 2] : (k[m / 2 - 1] + k[m / 2]) / 2) * 1e6
    }' "$2"
}
detach_xdp() { ip -n csxb link set csxb0 xdpgeneric off 2>/dev/null || true; ip -n csxb link set csxb0 xdp off 2>/dev/null || true; }

C_ADDR=(--smac $A_MAC --dmac $B_MAC --sip $A_IP --dip $B_IP --dport $PORT)
SERVER_LIFE=$((WARMUP + SECONDS_PER_RUN + 3))

# Receiver in b (started first), then sender in a. The receiver outlives the sender (the JVM may take a second or
# two to start), so the sender's rate is never measured against a missing receiver and the receiver's per-second
# lines cover the whole traffic.
run_pair() { # name receiver-delay receiver... -- sender...
    local name=$1 delay=$2; shift 2
    local receiver=() sender=()
    while [ "$1" != -- ]; do receiver+=("$1"); shift; done; shift; sender=("$@")
    in_b "${receiver[@]}" > "$OUT/$name.rx.log" 2>&1 &
    local pid=$!
    sleep "$delay"
    in_a "${sender[@]}" > "$OUT/$name.tx.log" 2>&1 || true
    wait $pid || true
    detach_xdp
}

RAW_HEADER="rep size c_tx java_tx c_rx java_rx c_echo java_echo udp_simple udp_batched"
printf '%s\n' "$RAW_HEADER" > "$OUT/results-raw.tsv"
# Rep after rep, each one every size and every config, so the C and Java runs of one rep lie close in time.
for rep in $(seq 1 "$REPS"); do
for size in $SIZES; do
    echo "== rep $rep/$REPS, $size-byte frames" >&2
    r=r$rep
    C_TX=("$OUT/xsk_ref" tx -i csxa0 "${C_MODE[@]}" -s "$size" -t "$SECONDS_PER_RUN" -w $WARMUP "${C_ADDR[@]}")
    # The C receiver starts 1 s before the sender and stops 2 s after a C sender (a Java one ends later by the
    # JVM's start-up).
    C_RX=("$OUT/xsk_ref" rx -i csxb0 "${C_MODE[@]}" -t $((SECONDS_PER_RUN + 2)) -w $((WARMUP + 1)))
    run_pair "c-$size.$r" 1 "${C_RX[@]}" -- "${C_TX[@]}"
    c_tx=$(pps c-tx "$OUT/c-$size.$r.tx.log"); c_rx=$(rx_pps c-rx "$OUT/c-$size.$r.rx.log")

    run_pair "javatx-$size.$r" 1 "${C_RX[@]}" -- \
        "${TOOLS[@]}" txgen --interface csxa0 "${JAVA_MODE[@]}" --src $A_IP:9000 --dst $B_IP:$PORT --dst-mac $B_MAC \
        --size "$size" --seconds "$SECONDS_PER_RUN" --warmup $WARMUP
    java_tx=$(pps txgen "$OUT/javatx-$size.$r.tx.log")

    # The JVM is launched 2 s before the sender and stops 2 s after it (plus the JVM's start-up, less the sender's).
    run_pair "javarx-$size.$r" 2 "${TOOLS[@]}" rxdrop --interface csxb0 "${JAVA_MODE[@]}" --ports $PORT \
        --seconds $((SECONDS_PER_RUN + 2)) --warmup $((WARMUP + 2)) -- "${C_TX[@]}"
    java_rx=$(rx_pps rxdrop "$OUT/javarx-$size.$r.rx.log")

    C_CLIENT=("$OUT/xsk_ref" client -i csxa0 "${C_MODE[@]}" -s "$size" -t "$SECONDS_PER_RUN" -w $WARMUP -W 256 "${C_ADDR[@]}")
    run_pair "cecho-$size.$r" 1 "$OUT/xsk_ref" echo -i csxb0 "${C_MODE[@]}" -t $SERVER_LIFE -w 0 -- "${C_CLIENT[@]}"
    c_echo=$(pps c-client "$OUT/cecho-$size.$r.tx.log")
    run_pair "javaecho-$size.$r" 2 "${TOOLS[@]}" echo --interface csxb0 "${JAVA_MODE[@]}" --bind $B_IP:$PORT \
        --seconds $SERVER_LIFE --warmup 0 -- "${C_CLIENT[@]}"
    java_echo=$(pps c-client "$OUT/javaecho-$size.$r.tx.log")
    run_pair "udpecho-$size.$r" 2 "${TOOLS[@]}" udp-echo --bind $B_IP:$PORT --seconds $SERVER_LIFE --warmup 0 \
        -- "${C_CLIENT[@]}"
    udp_simple=$(pps c-client "$OUT/udpecho-$size.$r.tx.log")
    run_pair "udpbatched-$size.$r" 2 "${TOOLS[@]}" udp-echo-batched --bind $B_IP:$PORT --seconds $SERVER_LIFE --warmup 0 \
        -- "${C_CLIENT[@]}"
    udp_batched=$(pps c-client "$OUT/udpbatched-$size.$r.tx.log")

    echo "$rep $size $c_tx $java_tx $c_rx $java_rx $c_echo $java_echo $udp_simple $udp_batched" >> "$OUT/results-raw.tsv"
done
done

# ---- medians over the reps, then the table (Mpps; ratios Java/C and AF_XDP echo / batched kernel UDP echo) ----
# A cell is the median of the reps' rates; a run that failed (rate 0) is left out. A ratio is the median of the
# ratios of the same rep, over the reps where both runs worked; the min-max of those ratios follows the table.
awk -v load="$(cut -d' ' -f1-3 /proc/loadavg)" -v mode="$XDP_MODE" -v secs="$SECONDS_PER_RUN" -v reps="$REPS" \
    -v tsv="$OUT/results.tsv" -v out="$OUT" '
function m(x) { return sprintf("%.3f", x / 1e6) }
function median(a, n,    i, j, x) {
    for (i = 1; i < n; i++) { x = a[i]; for (j = i - 1; j >= 0 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
    return n % 2 ? a[(n - 1) / 2] : (a[n / 2 - 1] + a[n / 2]) / 2
}
# Median, min and max of the values of series <key> (kept as v[key, i], n[key]); "n/a" when there is none.
function stat(key, what,    i, a, x) {
    if (!n[key]) return "n/a"
    for (i = 0; i < n[key]; i++) a[i] = v[key, i]
    x = median(a, n[key])
    if (what == "range") return sprintf("%.2f\342\200\223%.2f", a[0], a[n[key] - 1])
    return what == "ratio" ? sprintf("%.2f", x) : x
}
function add(key, x) { v[key, n[key]++] = x }
function ratio(key, a, b) { if (a > 0 && b > 0) add(key, a / b) }
NR == 1 { next }
{
    if (!(($2) in seen)) { seen[$2] = 1; sizes[ns++] = $2 }
    for (c = 3; c <= 10; c++) if ($c > 0) add($2 SUBSEP c, $c); else failed++
    ratio($2 SUBSEP "tx", $4, $3); ratio($2 SUBSEP "rx", $6, $5)
    ratio($2 SUBSEP "echo", $8, $7); ratio($2 SUBSEP "batched", $8, $10)
}
END {
    print "size c_tx java_tx c_rx java_rx c_echo java_echo udp_simple udp_batched" > tsv
    printf "AF_XDP on veth, copy mode, XDP %s, one queue, one thread per side; Mpps, %s s per run; load %s\n", mode, secs, load
    printf "Each cell is the median of %d reps (C and Java runs interleaved), each ratio the median of the per-rep ratios.\n\n", reps
    printf "| frame B | C tx | Java tx | Java/C | C rx | Java rx | Java/C | C echo | Java echo | Java/C | UDP echo | UDP echo batched | Java AF_XDP / batched |\n"
    printf "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    for (i = 0; i < ns; i++) {
        s = sizes[i]; line = s
        for (c = 3; c <= 10; c++) { x = stat(s SUBSEP c, "value"); med[c] = x == "n/a" ? 0 : x; line = line " " sprintf("%.0f", med[c]) }
        print line > tsv
        printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", s, m(med[3]), m(med[4]),
            stat(s SUBSEP "tx", "ratio"), m(med[5]), m(med[6]), stat(s SUBSEP "rx", "ratio"), m(med[7]), m(med[8]),
            stat(s SUBSEP "echo", "ratio"), m(med[9]), m(med[10]), stat(s SUBSEP "batched", "ratio")
    }
    printf "\n"
    for (i = 0; i < ns; i++) {
        s = sizes[i]
        printf "- %s B, ratio per rep (min\342\200\223max): Java/C tx %s, Java/C rx %s, Java/C echo %s, Java AF_XDP / batched %s\n", s,
            stat(s SUBSEP "tx", "range"), stat(s SUBSEP "rx", "range"), stat(s SUBSEP "echo", "range"), stat(s SUBSEP "batched", "range")
    }
    if (failed) printf "\n%d failed run(s) (rate 0) left out of the medians; their logs are in %s\n", failed, out
}
' "$OUT/results-raw.tsv" | tee "$OUT/table.md"

if command -v gnuplot >/dev/null; then
    gnuplot <<EOF
set terminal svg size 900,480 dynamic font "sans,12"
set output "$OUT/xsk-bench.svg"
set title "Consort xsk on veth (copy mode, XDP $XDP_MODE, one queue): Mpps by frame size"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set key outside right top vertical
set ylabel "Mpps"
set yrange [0:*]
set grid ytics
plot "$OUT/results.tsv" using (\$2/1e6):xtic(1) title "C tx", '' using (\$3/1e6) title "Java tx", \
     '' using (\$4/1e6) title "C rx", '' using (\$5/1e6) title "Java rx", \
     '' using (\$6/1e6) title "C echo", '' using (\$7/1e6) title "Java echo", \
     '' using (\$8/1e6) title "UDP echo", '' using (\$9/1e6) title "UDP echo batched"
EOF
    echo "chart: $OUT/xsk-bench.svg" >&2
fi
