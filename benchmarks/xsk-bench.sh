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
# Senders and clients run on CPU 0 in namespace csxa, receivers and servers on CPU 1 in csxb. Namespaces are
# always removed on exit. Needs root, gcc, libxdp-dev, libbpf-dev, ethtool; gnuplot (optional) draws a chart.
#
# Usage: sudo benchmarks/xsk-bench.sh [seconds-per-run (default 3)]
# Environment: SIZES="64 200 800 1400", XDP_MODE=skb|native (default skb), JAVA=java, OUT=<dir>.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_RUN=${1:-3}
WARMUP=2
SIZES=${SIZES:-"64 200 800 1400"}
XDP_MODE=${XDP_MODE:-skb}
JAVA=${JAVA:-java}
OUT=${OUT:-benchmarks/target/xsk-bench}
A_MAC=02:00:00:77:00:01
B_MAC=02:00:00:77:00:02
A_IP=10.77.0.1
B_IP=10.77.0.2
PORT=7000

[ "$(id -u)" = 0 ] || { echo "xsk-bench: needs root (namespaces, veth, AF_XDP)" >&2; exit 1; }
for tool in gcc ethtool ip taskset; do
    command -v "$tool" >/dev/null || { echo "xsk-bench: $tool is missing (apt-get install gcc ethtool iproute2 util-linux)" >&2; exit 1; }
done
[ -f /usr/include/xdp/xsk.h ] || { echo "xsk-bench: libxdp headers missing: apt-get install libxdp-dev libbpf-dev" >&2; exit 1; }
mkdir -p "$OUT"
OUT=$(realpath "$OUT")

# ---- build: the C reference with gcc, the Java tools with Maven when not built yet ----
gcc -O2 -Wall -o "$OUT/xsk_ref" benchmarks/native/xsk_ref.c -lxdp -lbpf
if [ ! -f xsk/target/classes/io/consort/xsk/tools/Main.class ] || [ ! -f xsk/target/classes/native/linux-x86_64/libconsort-xsk.so ]; then
    flock /tmp/consort-build.lock mvn -q -o -pl xsk -am install -DskipTests
fi
AGRONA=$(ls ~/.m2/repository/org/agrona/agrona/*/agrona-*.jar | grep -v sources | tail -1)
CP=xsk/target/classes:iovec/target/classes:layers/target/classes:$AGRONA
JAVA_FLAGS=(--add-exports java.base/jdk.internal.misc=ALL-UNNAMED --enable-native-access=ALL-UNNAMED -Xmx256m)
TOOLS=("$JAVA" "${JAVA_FLAGS[@]}" -cp "$CP" io.consort.xsk.tools.Main)
C_MODE=(); JAVA_MODE=(--xdp-mode skb)
if [ "$XDP_MODE" = native ]; then C_MODE=(-N); JAVA_MODE=(--xdp-mode native); fi

# ---- namespaces: csxa (sender/client) -- veth -- csxb (receiver/server) ----
cleanup() { ip netns del csxa 2>/dev/null || true; ip netns del csxb 2>/dev/null || true; }
trap cleanup EXIT INT TERM
cleanup
ip netns add csxa
ip netns add csxb
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
detach_xdp() { ip -n csxb link set csxb0 xdpgeneric off 2>/dev/null || true; ip -n csxb link set csxb0 xdp off 2>/dev/null || true; }

C_ADDR=(--smac $A_MAC --dmac $B_MAC --sip $A_IP --dip $B_IP --dport $PORT)
SERVER_LIFE=$((WARMUP + SECONDS_PER_RUN + 3))

# Receiver in b (started first), then sender in a; both measure the same seconds after the sender's warm-up.
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

printf '%s\n' "size c_tx java_tx c_rx java_rx c_echo java_echo udp_simple udp_batched" > "$OUT/results.tsv"
for size in $SIZES; do
    echo "== $size-byte frames" >&2
    C_TX=("$OUT/xsk_ref" tx -i csxa0 "${C_MODE[@]}" -s "$size" -t "$SECONDS_PER_RUN" -w $WARMUP "${C_ADDR[@]}")
    C_RX_WARM=$((WARMUP + 1))
    # The C receiver starts 1 s before the sender, so it warms up 1 s longer.
    run_pair "c-$size" 1 "$OUT/xsk_ref" rx -i csxb0 "${C_MODE[@]}" -t "$SECONDS_PER_RUN" -w $C_RX_WARM -- "${C_TX[@]}"
    c_tx=$(pps c-tx "$OUT/c-$size.tx.log"); c_rx=$(pps c-rx "$OUT/c-$size.rx.log")

    run_pair "javatx-$size" 1 "$OUT/xsk_ref" rx -i csxb0 "${C_MODE[@]}" -t "$SECONDS_PER_RUN" -w $C_RX_WARM -- \
        "${TOOLS[@]}" txgen --interface csxa0 "${JAVA_MODE[@]}" --src $A_IP:9000 --dst $B_IP:$PORT --dst-mac $B_MAC \
        --size "$size" --seconds "$SECONDS_PER_RUN" --warmup $WARMUP
    java_tx=$(pps txgen "$OUT/javatx-$size.tx.log")

    run_pair "javarx-$size" 2 "${TOOLS[@]}" rxdrop --interface csxb0 "${JAVA_MODE[@]}" --ports $PORT \
        --seconds "$SECONDS_PER_RUN" --warmup $((WARMUP + 2)) -- "${C_TX[@]}"
    java_rx=$(pps rxdrop "$OUT/javarx-$size.rx.log")

    C_CLIENT=("$OUT/xsk_ref" client -i csxa0 "${C_MODE[@]}" -s "$size" -t "$SECONDS_PER_RUN" -w $WARMUP -W 256 "${C_ADDR[@]}")
    run_pair "cecho-$size" 1 "$OUT/xsk_ref" echo -i csxb0 "${C_MODE[@]}" -t $SERVER_LIFE -w 0 -- "${C_CLIENT[@]}"
    c_echo=$(pps c-client "$OUT/cecho-$size.tx.log")
    run_pair "javaecho-$size" 2 "${TOOLS[@]}" echo --interface csxb0 "${JAVA_MODE[@]}" --bind $B_IP:$PORT \
        --seconds $SERVER_LIFE --warmup 0 -- "${C_CLIENT[@]}"
    java_echo=$(pps c-client "$OUT/javaecho-$size.tx.log")
    run_pair "udpecho-$size" 2 "${TOOLS[@]}" udp-echo --bind $B_IP:$PORT --seconds $SERVER_LIFE --warmup 0 -- "${C_CLIENT[@]}"
    udp_simple=$(pps c-client "$OUT/udpecho-$size.tx.log")
    run_pair "udpbatched-$size" 2 "${TOOLS[@]}" udp-echo-batched --bind $B_IP:$PORT --seconds $SERVER_LIFE --warmup 0 \
        -- "${C_CLIENT[@]}"
    udp_batched=$(pps c-client "$OUT/udpbatched-$size.tx.log")

    echo "$size $c_tx $java_tx $c_rx $java_rx $c_echo $java_echo $udp_simple $udp_batched" >> "$OUT/results.tsv"
done

# ---- the table (Mpps; ratios Java/C and AF_XDP echo / batched kernel UDP echo) ----
awk -v load="$(cut -d' ' -f1-3 /proc/loadavg)" -v mode="$XDP_MODE" -v secs="$SECONDS_PER_RUN" '
function m(x) { return sprintf("%.3f", x / 1e6) }
function r(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "n/a" }
NR == 1 { next }
NR == 2 {
    printf "AF_XDP on veth, copy mode, XDP %s, one queue, one thread per side; Mpps, %s s per run; load %s\n\n", mode, secs, load
    printf "| frame B | C tx | Java tx | Java/C | C rx | Java rx | Java/C | C echo | Java echo | Java/C | UDP echo | UDP echo batched | Java AF_XDP / batched |\n"
    printf "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
}
{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, m($2), m($3), r($3, $2), m($4), m($5), r($5, $4), m($6), m($7), r($7, $6), m($8), m($9), r($7, $9) }
' "$OUT/results.tsv" | tee "$OUT/table.md"

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
