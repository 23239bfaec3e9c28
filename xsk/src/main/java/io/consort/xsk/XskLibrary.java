package io.consort.xsk;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Loads the native part of the binding ({@code libconsort-xsk.so}) and the XDP program object from the jar.
 *
 * <p>Both are extracted once per JVM to a private temporary directory, because {@link System#load} and
 * libxdp need real files. A JVM that cannot load them (not Linux x86-64, missing libxdp) gets a reason it
 * can show, and every class that needs the library throws {@link IllegalStateException} with that reason.
 */
public final class XskLibrary {
    private static final String RESOURCE_DIR = "/native/linux-x86_64/";
    private static final String LIBRARY = "libconsort-xsk.so";
    private static final String XDP_OBJECT = "consort_xdp.bpf.o";

    private static Path directory;
    private static String failure;
    private static boolean loaded;

    private XskLibrary() {
    }

    /** True when the native library is loaded, loading it on first call. */
    public static synchronized boolean isAvailable() {
        if (!loaded && failure == null) {
            try {
                load();
                loaded = true;
            } catch (IOException | LinkageError | RuntimeException e) {
                failure = "the AF_XDP native library could not be loaded: " + e
                    + " (needs Linux x86-64 with libxdp1 and libbpf1 installed: apt-get install libxdp1 libbpf1)";
            }
        }
        return loaded;
    }

    /** Why {@link #isAvailable()} is false; null when it is true. */
    public static synchronized String unavailableReason() {
        return isAvailable() ? null : failure;
    }

    /** Loads the library or throws {@link IllegalStateException} saying why it cannot be. */
    public static void ensureLoaded() {
        if (!isAvailable()) {
            throw new IllegalStateException(unavailableReason());
        }
    }

    /** The extracted eBPF object holding the steering program. */
    public static synchronized Path xdpObject() {
        ensureLoaded();
        return directory.resolve(XDP_OBJECT);
    }

    private static void load() throws IOException {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (!os.startsWith("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new UnsupportedOperationException("AF_XDP needs Linux on x86-64, this is " + os + " " + arch);
        }
        Path dir = Files.createTempDirectory("consort-xsk");
        dir.toFile().deleteOnExit();
        Path library = extract(dir, LIBRARY);
        extract(dir, XDP_OBJECT);
        System.load(library.toAbsolutePath().toString());
        directory = dir;
    }

    private static Path extract(Path dir, String name) throws IOException {
        Path target = dir.resolve(name);
        try (InputStream in = XskLibrary.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new IOException(RESOURCE_DIR + name + " is not in the jar (was the module built on Linux?)");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        target.toFile().deleteOnExit();
        return target;
    }
}
