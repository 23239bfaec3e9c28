package io.consort.xsk.packet;

/** Frames seen by a parser, counted by {@link ParseResult}; plain longs for a single thread. */
public final class ParseCounts {
    private final long[] counts = new long[ParseResult.count()];

    /** Counts {@code result} and returns it, so a call can wrap {@link UdpFrameParser#parse}. */
    public ParseResult count(ParseResult result) {
        counts[result.ordinal()]++;
        return result;
    }

    public long get(ParseResult result) {
        return counts[result.ordinal()];
    }

    /** Every frame that was not {@link ParseResult#OK}. */
    public long rejected() {
        long total = 0;
        for (int i = 1; i < counts.length; i++) {
            total += counts[i];
        }
        return total;
    }

    /** The non-zero rejection counts as {@code reason=count} pairs, or an empty string. */
    public String describeRejections() {
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < counts.length; i++) {
            if (counts[i] != 0) {
                out.append(out.length() == 0 ? "" : " ").append(ParseResult.of(i).label()).append('=').append(counts[i]);
            }
        }
        return out.toString();
    }
}
