package io.consort.cli.lab;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * What {@code consort lab up} built, for {@code consort member --lab N} and {@code consort lab down}: the
 * members' addresses, interfaces and namespaces. Kept in {@code /run/consort/lab.properties} (gone at reboot,
 * as the namespaces are), or under {@code CONSORT_LAB_DIR}.
 */
public record LabFile(int size, String members, int mtu) {
    public static final String NAMESPACE_PREFIX = "csxlab-";
    public static final String BRIDGE_NAMESPACE = NAMESPACE_PREFIX + "br";
    public static final String BRIDGE = "csxlbr0";
    public static final int PORT = 7400;

    public static Path path() {
        String dir = System.getenv("CONSORT_LAB_DIR");
        return Path.of(dir != null && !dir.isBlank() ? dir : "/run/consort", "lab.properties");
    }

    public static String namespaceOf(int member) {
        return NAMESPACE_PREFIX + "m" + member;
    }

    public String interfaceOf(int member) {
        return "csxl" + member;
    }

    public static String bridgePortOf(int member) {
        return "csxlp" + member;
    }

    public static String ipOf(String subnet, int member) {
        return subnet + "." + (member + 1);
    }

    public static boolean exists() {
        return Files.exists(path());
    }

    public static LabFile read() throws IOException {
        Path path = path();
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("no lab is up (" + path + " is missing): run 'consort lab up' first");
        }
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        return new LabFile(Integer.parseInt(properties.getProperty("size")), properties.getProperty("members"),
            Integer.parseInt(properties.getProperty("mtu")));
    }

    void write() throws IOException {
        Path path = path();
        Files.createDirectories(path.getParent());
        Properties properties = new Properties();
        properties.setProperty("size", Integer.toString(size));
        properties.setProperty("members", members);
        properties.setProperty("mtu", Integer.toString(mtu));
        try (Writer out = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
            properties.store(out, "consort lab: remove with 'consort lab down'");
        }
    }
}
