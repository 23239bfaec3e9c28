package io.consort.cli;

import io.consort.cli.tools.Main;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UnmatchedArgsBinding;

/**
 * The AF_XDP and UDP tools ({@code txgen}, {@code rxdrop}, {@code echo}, ...) as subcommands of {@code consort}:
 * each takes its own options, checked by the tool, and prints its own help for {@code --help}.
 */
final class ToolCommands {
    private ToolCommands() {
    }

    static void register(CommandLine consort) {
        Main.tools().forEach((name, tool) -> {
            ToolRun run = new ToolRun(name);
            CommandSpec spec = CommandSpec.wrapWithoutInspection(run);
            spec.name(name);
            spec.usageMessage().description(tool.help().lines().findFirst().orElse(name)
                .replaceFirst("^[a-z-]+: ", "") + " (" + name + " --help for its options)");
            spec.parser().unmatchedArgumentsAllowed(true).unmatchedOptionsArePositionalParams(true);
            spec.addUnmatchedArgsBinding(UnmatchedArgsBinding.forStringArrayConsumer(
                new CommandLine.Model.ISetter() {
                    @Override
                    @SuppressWarnings("unchecked")
                    public <T> T set(T value) {
                        T previous = (T) run.args.toArray(new String[0]);
                        run.args.clear();
                        if (value != null) {
                            run.args.addAll(List.of((String[]) value));
                        }
                        return previous;
                    }
                }));
            consort.addSubcommand(name, new CommandLine(spec));
        });
    }

    /** Runs one tool with the arguments after its name. */
    private static final class ToolRun implements Callable<Integer> {
        final String name;
        final List<String> args = new ArrayList<>();

        ToolRun(String name) {
            this.name = name;
        }

        @Override
        public Integer call() {
            List<String> all = new ArrayList<>();
            all.add(name);
            all.addAll(args);
            return Main.run(all.toArray(new String[0]));
        }
    }
}
