/*
 * xsk_ref: the C reference for Consort's AF_XDP benchmarks, a minimal libxdp program that shows what this
 * machine can do on one queue and one thread.
 *
 *   xsk_ref tx     send prebuilt UDP frames at full speed, count completions
 *   xsk_ref rx     receive and drop, count packets (and the kernel's XDP_STATISTICS drops)
 *   xsk_ref echo   the function invoker: reverse the payload, swap addresses, recompute checksums, send back
 *   xsk_ref client keep a window of echo requests in flight, count replies
 *
 * It uses libxdp's default XDP program, which redirects every frame of the queue to the socket, so run it on a
 * link that carries only benchmark traffic and give both ends permanent neighbour entries (ARP would be
 * swallowed). Built by benchmarks/xsk-bench.sh: gcc -O2 xsk_ref.c -lxdp -lbpf.
 *
 * Prints a line per second and, at the end, "RESULT c-<mode> pps=<n> gbps=<n> packets=<n> seconds=<n>"
 * averaged over the time after the warm-up, like the Java tools.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <xdp/libxdp.h>
#include <xdp/xsk.h>

#define FRAME_SIZE 2048
#define NUM_FRAMES 16384
#define FILL_SIZE 8192
#define COMP_SIZE 8192
#define RING_SIZE 4096
#define BATCH 64
#define HEADERS 42

enum mode { TX, RX, ECHO, CLIENT };

struct opts {
	enum mode mode;
	const char *ifname;
	int queue, size, seconds, warmup, window, native;
	uint8_t smac[6], dmac[6];
	uint32_t sip, dip; /* network order */
	uint16_t sport, dport;
};

struct xsk {
	struct xsk_umem *umem;
	struct xsk_socket *socket;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	uint8_t *area;
	uint64_t free_frames[NUM_FRAMES];
	uint32_t free_count;
	uint32_t outstanding_tx;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig) { (void)sig; stop = 1; }

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "xsk_ref: %s: %s%s\n", what, strerror(err),
		err == EPERM ? " (run as root)" : "");
	exit(1);
}

/* ---- checksums (RFC 1071), 32-bit words into a 64-bit accumulator ---- */

static uint64_t csum_add(const uint8_t *p, uint32_t len, uint64_t sum)
{
	uint32_t w;
	while (len >= 4) { memcpy(&w, p, 4); sum += ntohl(w); p += 4; len -= 4; }
	if (len >= 2) { sum += (uint32_t)(p[0] << 8 | p[1]); p += 2; len -= 2; }
	if (len) sum += (uint32_t)(p[0] << 8);
	return sum;
}

static uint16_t csum_fold(uint64_t sum)
{
	while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static void fill_checksums(uint8_t *frame, int udp_checksum)
{
	uint8_t *ip = frame + 14, *udp = ip + 20;
	uint16_t udp_len = (uint16_t)(udp[4] << 8 | udp[5]);
	ip[10] = ip[11] = 0;
	uint16_t c = (uint16_t)~csum_fold(csum_add(ip, 20, 0));
	ip[10] = c >> 8; ip[11] = c & 0xff;
	udp[6] = udp[7] = 0;
	if (!udp_checksum) return;
	uint64_t sum = csum_add(ip + 12, 8, 0) + 17 + udp_len;
	c = (uint16_t)~csum_fold(csum_add(udp, udp_len, sum));
	if (c == 0) c = 0xffff;
	udp[6] = c >> 8; udp[7] = c & 0xff;
}

static void build_frame(uint8_t *f, const struct opts *o)
{
	int payload = o->size - HEADERS;
	memcpy(f, o->dmac, 6); memcpy(f + 6, o->smac, 6);
	f[12] = 0x08; f[13] = 0x00;
	uint8_t *ip = f + 14;
	ip[0] = 0x45; ip[1] = 0;
	uint16_t total = (uint16_t)(20 + 8 + payload);
	ip[2] = total >> 8; ip[3] = total & 0xff;
	ip[4] = ip[5] = 0; ip[6] = 0x40; ip[7] = 0; ip[8] = 64; ip[9] = 17;
	memcpy(ip + 12, &o->sip, 4); memcpy(ip + 16, &o->dip, 4);
	uint8_t *udp = ip + 20;
	udp[0] = o->sport >> 8; udp[1] = o->sport & 0xff;
	udp[2] = o->dport >> 8; udp[3] = o->dport & 0xff;
	udp[4] = (8 + payload) >> 8; udp[5] = (8 + payload) & 0xff;
	for (int i = 0; i < payload; i++) udp[8 + i] = (uint8_t)i;
	fill_checksums(f, 1);
}

/* ---- the echo workload ---- */

static void reverse(uint8_t *p, int len)
{
	uint8_t *lo = p, *hi = p + len - 1;
	while (hi - lo >= 15) {
		uint64_t a, b;
		memcpy(&a, lo, 8); memcpy(&b, hi - 7, 8);
		a = __builtin_bswap64(a); b = __builtin_bswap64(b);
		memcpy(lo, &b, 8); memcpy(hi - 7, &a, 8);
		lo += 8; hi -= 8;
	}
	while (lo < hi) { uint8_t t = *lo; *lo++ = *hi; *hi-- = t; }
}

/* Turns a UDP/IPv4 request into its reply in place; 0 when the frame is not one. */
static int echo_frame(uint8_t *f, uint32_t len)
{
	if (len < HEADERS || f[12] != 0x08 || f[13] != 0x00) return 0;
	uint8_t *ip = f + 14, *udp = ip + 20, t[6];
	if (ip[0] != 0x45 || ip[9] != 17) return 0;
	uint16_t udp_len = (uint16_t)(udp[4] << 8 | udp[5]);
	if (udp_len < 8 || 34u + udp_len > len) return 0;
	reverse(udp + 8, udp_len - 8);
	memcpy(t, f, 6); memcpy(f, f + 6, 6); memcpy(f + 6, t, 6);
	memcpy(t, ip + 12, 4); memcpy(ip + 12, ip + 16, 4); memcpy(ip + 16, t, 4);
	memcpy(t, udp, 2); memcpy(udp, udp + 2, 2); memcpy(udp + 2, t, 2);
	ip[8] = 64;
	fill_checksums(f, 1);
	return 1;
}

/* ---- frames and rings ---- */

static uint64_t alloc_frame(struct xsk *x) { return x->free_frames[--x->free_count]; }

static void free_frame(struct xsk *x, uint64_t addr)
{
	x->free_frames[x->free_count++] = addr & ~(uint64_t)(FRAME_SIZE - 1);
}

static void refill(struct xsk *x, uint32_t want)
{
	uint32_t idx = 0, n = want < x->free_count ? want : x->free_count;
	/* reserve is all or nothing: ask only for what the ring has room for. */
	uint32_t room = xsk_prod_nb_free(&x->fill, n);
	if (n > room) n = room;
	if (!n) return;
	n = xsk_ring_prod__reserve(&x->fill, n, &idx);
	for (uint32_t i = 0; i < n; i++) *xsk_ring_prod__fill_addr(&x->fill, idx + i) = alloc_frame(x);
	xsk_ring_prod__submit(&x->fill, n);
}

static uint32_t complete_tx(struct xsk *x)
{
	uint32_t idx, n = xsk_ring_cons__peek(&x->comp, COMP_SIZE, &idx);
	for (uint32_t i = 0; i < n; i++) free_frame(x, *xsk_ring_cons__comp_addr(&x->comp, idx + i));
	xsk_ring_cons__release(&x->comp, n);
	x->outstanding_tx -= n;
	return n;
}

static void kick_tx(struct xsk *x)
{
	if (!x->outstanding_tx || !xsk_ring_prod__needs_wakeup(&x->tx)) return;
	/* One kick sends at most 32 frames in copy mode and says EAGAIN when more wait: normal, kick again. */
	if (sendto(xsk_socket__fd(x->socket), NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 && errno != EAGAIN
	    && errno != EBUSY && errno != ENOBUFS && errno != ENETDOWN)
		die("sendto (tx kick)", errno);
}

static void wake_rx(struct xsk *x)
{
	if (xsk_ring_prod__needs_wakeup(&x->fill))
		recvfrom(xsk_socket__fd(x->socket), NULL, 0, MSG_DONTWAIT, NULL, NULL);
}

static void setup(struct xsk *x, const struct opts *o)
{
	if (posix_memalign((void **)&x->area, 4096, (size_t)NUM_FRAMES * FRAME_SIZE)) die("posix_memalign", ENOMEM);
	memset(x->area, 0, (size_t)NUM_FRAMES * FRAME_SIZE);
	struct xsk_umem_config ucfg = { .fill_size = FILL_SIZE, .comp_size = COMP_SIZE, .frame_size = FRAME_SIZE,
		.frame_headroom = 0, .flags = 0 };
	int err = xsk_umem__create(&x->umem, x->area, (uint64_t)NUM_FRAMES * FRAME_SIZE, &x->fill, &x->comp, &ucfg);
	if (err) die("xsk_umem__create", -err);
	struct xsk_socket_config scfg = { .rx_size = RING_SIZE, .tx_size = RING_SIZE, .libxdp_flags = 0,
		.xdp_flags = o->native ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE,
		.bind_flags = XDP_COPY | XDP_USE_NEED_WAKEUP };
	err = xsk_socket__create(&x->socket, o->ifname, o->queue, x->umem, &x->rx, &x->tx, &scfg);
	if (err) die("xsk_socket__create", -err);
	for (uint32_t i = 0; i < NUM_FRAMES; i++) x->free_frames[i] = (uint64_t)(NUM_FRAMES - 1 - i) * FRAME_SIZE;
	x->free_count = NUM_FRAMES;
}

static void xdp_stats(struct xsk *x, char *out, size_t size)
{
	struct xdp_statistics s;
	socklen_t len = sizeof(s);
	if (getsockopt(xsk_socket__fd(x->socket), SOL_XDP, XDP_STATISTICS, &s, &len)) { out[0] = 0; return; }
	snprintf(out, size, "rx_dropped=%llu rx_ring_full=%llu fill_empty=%llu",
		 (unsigned long long)s.rx_dropped, (unsigned long long)s.rx_ring_full,
		 (unsigned long long)s.rx_fill_ring_empty_descs);
}

/* ---- rate reporting, same format as the Java tools ---- */

struct rate { uint64_t start, last, warm_end, end, warm_at, packets, bytes, last_packets, warm_packets, warm_bytes; int warmed; };

static void rate_init(struct rate *r, const struct opts *o)
{
	memset(r, 0, sizeof(*r));
	r->start = r->last = now_ns();
	r->warm_end = r->start + (uint64_t)o->warmup * 1000000000ull;
	r->end = r->warm_end + (uint64_t)o->seconds * 1000000000ull;
}

static int rate_tick(struct rate *r, const char *tool, struct xsk *x)
{
	uint64_t t = now_ns();
	if (t - r->last < 1000000000ull) return t < r->end && !stop;
	if (!r->warmed && t >= r->warm_end) { r->warmed = 1; r->warm_at = t; r->warm_packets = r->packets; r->warm_bytes = r->bytes; }
	char stats[160];
	xdp_stats(x, stats, sizeof(stats));
	printf("[%s] %.3f Mpps total %llu %s\n", tool, (r->packets - r->last_packets) / ((t - r->last) / 1e9) / 1e6,
	       (unsigned long long)r->packets, stats);
	fflush(stdout);
	r->last = t; r->last_packets = r->packets;
	return t < r->end && !stop;
}

static void rate_finish(struct rate *r, const char *tool, struct xsk *x)
{
	uint64_t t = now_ns(), from = r->warmed ? r->warm_at : r->start;
	double s = (t - from) / 1e9;
	char stats[160];
	xdp_stats(x, stats, sizeof(stats));
	printf("RESULT %s pps=%.0f gbps=%.3f packets=%llu seconds=%.2f %s\n", tool,
	       (r->packets - (r->warmed ? r->warm_packets : 0)) / s,
	       (r->bytes - (r->warmed ? r->warm_bytes : 0)) * 8 / s / 1e9, (unsigned long long)r->packets, s, stats);
	fflush(stdout);
}

/* ---- the four modes ---- */

static void run_tx(struct xsk *x, const struct opts *o)
{
	for (uint32_t i = 0; i < NUM_FRAMES; i++) build_frame(x->area + (uint64_t)i * FRAME_SIZE, o);
	struct rate r;
	rate_init(&r, o);
	do {
		uint32_t done = complete_tx(x), idx = 0;
		r.packets += done; r.bytes += (uint64_t)done * o->size;
		uint32_t n = x->free_count < BATCH ? x->free_count : BATCH;
		n = xsk_ring_prod__reserve(&x->tx, n, &idx);
		for (uint32_t i = 0; i < n; i++) {
			struct xdp_desc *d = xsk_ring_prod__tx_desc(&x->tx, idx + i);
			d->addr = alloc_frame(x); d->len = o->size;
		}
		xsk_ring_prod__submit(&x->tx, n);
		x->outstanding_tx += n;
		kick_tx(x);
	} while (rate_tick(&r, "c-tx", x));
	rate_finish(&r, "c-tx", x);
}

static void run_rx(struct xsk *x, const struct opts *o)
{
	refill(x, FILL_SIZE);
	struct rate r;
	rate_init(&r, o);
	do {
		uint32_t idx = 0, n = xsk_ring_cons__peek(&x->rx, BATCH, &idx);
		if (!n) { wake_rx(x); continue; }
		for (uint32_t i = 0; i < n; i++) {
			const struct xdp_desc *d = xsk_ring_cons__rx_desc(&x->rx, idx + i);
			r.bytes += d->len;
			free_frame(x, d->addr);
		}
		xsk_ring_cons__release(&x->rx, n);
		r.packets += n;
		refill(x, n);
	} while (rate_tick(&r, "c-rx", x));
	rate_finish(&r, "c-rx", x);
}

static void run_echo(struct xsk *x, const struct opts *o)
{
	refill(x, FILL_SIZE);
	struct rate r;
	rate_init(&r, o);
	do {
		complete_tx(x);
		refill(x, x->free_count);
		uint32_t idx_rx = 0, idx_tx = 0, n = xsk_ring_cons__peek(&x->rx, BATCH, &idx_rx);
		if (!n) { wake_rx(x); kick_tx(x); continue; }
		uint32_t room = xsk_prod_nb_free(&x->tx, n), sent = 0;
		room = xsk_ring_prod__reserve(&x->tx, room < n ? room : n, &idx_tx);
		for (uint32_t i = 0; i < n; i++) {
			const struct xdp_desc *d = xsk_ring_cons__rx_desc(&x->rx, idx_rx + i);
			uint8_t *f = xsk_umem__get_data(x->area, d->addr);
			if (sent < room && echo_frame(f, d->len)) {
				struct xdp_desc *t = xsk_ring_prod__tx_desc(&x->tx, idx_tx + sent++);
				t->addr = d->addr; t->len = d->len;
				r.bytes += d->len;
			} else {
				free_frame(x, d->addr);
			}
		}
		xsk_ring_cons__release(&x->rx, n);
		/* Give back the descriptors reserved for frames that were not echoed (what newer libxdp calls
		 * xsk_ring_prod__cancel), then publish the ones filled. */
		x->tx.cached_prod -= room - sent;
		xsk_ring_prod__submit(&x->tx, sent);
		x->outstanding_tx += sent;
		r.packets += sent;
		kick_tx(x);
	} while (rate_tick(&r, "c-echo", x));
	rate_finish(&r, "c-echo", x);
}

static void run_client(struct xsk *x, const struct opts *o)
{
	/* Lower half of the frames carries requests (built once), upper half receives replies. */
	for (uint32_t i = 0; i < NUM_FRAMES; i++) build_frame(x->area + (uint64_t)i * FRAME_SIZE, o);
	x->free_count = NUM_FRAMES / 2;
	uint32_t fidx = 0;
	if (xsk_ring_prod__reserve(&x->fill, NUM_FRAMES / 2, &fidx) != NUM_FRAMES / 2) die("fill ring too small", ENOSPC);
	for (uint32_t i = 0; i < NUM_FRAMES / 2; i++)
		*xsk_ring_prod__fill_addr(&x->fill, fidx + i) = (uint64_t)(NUM_FRAMES / 2 + i) * FRAME_SIZE;
	xsk_ring_prod__submit(&x->fill, NUM_FRAMES / 2);
	for (uint32_t i = 0; i < NUM_FRAMES / 2; i++) x->free_frames[i] = (uint64_t)i * FRAME_SIZE;
	struct rate r;
	rate_init(&r, o);
	uint64_t in_flight = 0, sent_total = 0, last_reply = now_ns();
	do {
		complete_tx(x);
		uint32_t idx = 0, n = xsk_ring_cons__peek(&x->rx, BATCH, &idx);
		/* Every reply frame goes straight back to the fill ring, which has room for all of them. */
		xsk_ring_prod__reserve(&x->fill, n, &fidx);
		for (uint32_t i = 0; i < n; i++) {
			const struct xdp_desc *d = xsk_ring_cons__rx_desc(&x->rx, idx + i);
			uint8_t *f = xsk_umem__get_data(x->area, d->addr);
			if (d->len == (uint32_t)o->size && f[34 + 2] == (o->sport >> 8) && f[34 + 3] == (o->sport & 0xff)) {
				r.packets++; r.bytes += d->len;
			}
			*xsk_ring_prod__fill_addr(&x->fill, fidx + i) = d->addr & ~(uint64_t)(FRAME_SIZE - 1);
		}
		xsk_ring_prod__submit(&x->fill, n);
		xsk_ring_cons__release(&x->rx, n);
		uint64_t t = now_ns();
		if (n) { in_flight = in_flight > n ? in_flight - n : 0; last_reply = t; }
		else if (t - last_reply > 5000000ull) { in_flight = 0; last_reply = t; wake_rx(x); }
		uint32_t want = o->window - in_flight;
		if (want > BATCH) want = BATCH;
		if (want > x->free_count) want = x->free_count;
		want = xsk_ring_prod__reserve(&x->tx, want, &idx);
		for (uint32_t i = 0; i < want; i++) {
			struct xdp_desc *d = xsk_ring_prod__tx_desc(&x->tx, idx + i);
			d->addr = alloc_frame(x); d->len = o->size;
		}
		xsk_ring_prod__submit(&x->tx, want);
		x->outstanding_tx += want; in_flight += want; sent_total += want;
		kick_tx(x);
	} while (rate_tick(&r, "c-client", x));
	rate_finish(&r, "c-client", x);
}

/* ---- command line ---- */

static void parse_mac(const char *s, uint8_t *mac)
{
	if (sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2], &mac[3], &mac[4], &mac[5]) != 6) {
		fprintf(stderr, "xsk_ref: bad MAC '%s'\n", s);
		exit(2);
	}
}

static void usage(void)
{
	fprintf(stderr,
		"usage: xsk_ref tx|rx|echo|client -i IFACE [options]\n"
		"  -i IFACE     interface (required)        -q QUEUE   queue id (0)\n"
		"  -s SIZE      frame bytes, tx/client (64) -t SECONDS measure time (5)\n"
		"  -w SECONDS   warm-up (1)                 -W N       client window (256)\n"
		"  -N           native (driver) XDP mode; default generic (SKB)\n"
		"  --smac M --dmac M --sip A --dip A --sport P --dport P   addresses for tx/client\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct opts o = { .queue = 0, .size = 64, .seconds = 5, .warmup = 1, .window = 256, .sport = 9000, .dport = 7000 };
	if (argc < 2) usage();
	if (!strcmp(argv[1], "tx")) o.mode = TX;
	else if (!strcmp(argv[1], "rx")) o.mode = RX;
	else if (!strcmp(argv[1], "echo")) o.mode = ECHO;
	else if (!strcmp(argv[1], "client")) o.mode = CLIENT;
	else usage();
	static struct option longopts[] = {
		{"smac", 1, 0, 1}, {"dmac", 1, 0, 2}, {"sip", 1, 0, 3}, {"dip", 1, 0, 4}, {"sport", 1, 0, 5},
		{"dport", 1, 0, 6}, {0, 0, 0, 0}};
	int c;
	optind = 2;
	while ((c = getopt_long(argc, argv, "i:q:s:t:w:W:N", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': o.ifname = optarg; break;
		case 'q': o.queue = atoi(optarg); break;
		case 's': o.size = atoi(optarg); break;
		case 't': o.seconds = atoi(optarg); break;
		case 'w': o.warmup = atoi(optarg); break;
		case 'W': o.window = atoi(optarg); break;
		case 'N': o.native = 1; break;
		case 1: parse_mac(optarg, o.smac); break;
		case 2: parse_mac(optarg, o.dmac); break;
		case 3: inet_pton(AF_INET, optarg, &o.sip); break;
		case 4: inet_pton(AF_INET, optarg, &o.dip); break;
		case 5: o.sport = (uint16_t)atoi(optarg); break;
		case 6: o.dport = (uint16_t)atoi(optarg); break;
		default: usage();
		}
	}
	if (!o.ifname || o.size < HEADERS + 8 || o.size > FRAME_SIZE) usage();
	/* libbpf and libxdp chatter (no bpffs, dispatcher fallback) is expected here; errors still reach us. */
	libbpf_set_print(NULL);
	libxdp_set_print(NULL);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	static struct xsk x;
	setup(&x, &o);
	switch (o.mode) {
	case TX: run_tx(&x, &o); break;
	case RX: run_rx(&x, &o); break;
	case ECHO: run_echo(&x, &o); break;
	case CLIENT: run_client(&x, &o); break;
	}
	xsk_socket__delete(x.socket);
	xsk_umem__delete(x.umem);
	return 0;
}
