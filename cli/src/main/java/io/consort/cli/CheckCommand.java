package io.consort.cli;

import io.consort.sim.membership.History;
import io.consort.sim.membership.Journal;
import io.consort.sim.membership.VsyncChecker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code consort check}: judges the journals of a group's member processes ({@code consort member --journal})
 * with the simulator's history checker: view agreement, virtual synchrony, per-sender FIFO and exactly-once
 * intact delivery, at most one primary view per logical time; and that the members that ended cleanly
 * converged (one view, each member's own casts all delivered).
 */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = {"Checks member journals (consort member --journal) for virtual synchrony, FIFO, exactly-once "
        + "intact delivery and view agreement; exit status 0 when they pass, 1 when not."})
public final class CheckCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "JOURNAL", description = "Journals of the members, one per process.")
    List<Path> journals;

    @Override
    public Integer call() throws Exception {
        VsyncChecker checker = new VsyncChecker();
        List<History> ended = new ArrayList<>();
        for (Path journal : journals) {
            History history = Journal.read(journal, checker);
            if (!history.crashed() && !history.left()) {
                ended.add(history);
            }
        }
        String violation = checker.check();
        if (violation == null && !ended.isEmpty()) {
            violation = checker.checkConverged(ended);
        }
        long deliveries = 0;
        for (History history : checker.histories()) {
            for (History.Installed installed : history.views) {
                deliveries += installed.casts.size() + installed.sends.size();
            }
        }
        if (violation != null) {
            System.out.println("FAILED: " + violation);
            System.out.println(checker.histories());
            return 1;
        }
        System.out.println("PASSED: " + checker.histories().size() + " histories, " + deliveries
            + " deliveries: views agree, virtual synchrony, FIFO and exactly-once intact delivery hold"
            + (ended.isEmpty() ? "" : "; the " + ended.size() + " members that stopped cleanly converged"));
        return 0;
    }
}
