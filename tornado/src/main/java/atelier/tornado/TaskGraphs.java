package atelier.tornado;

import atelier.core.device.Residency;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one place TornadoVM task graphs are built and run. Launches are recorded as tasks of a pending graph and run
 * together when the host needs data ({@link #toHost}, {@link #fromHost}) or the device closes, so that within a
 * graph every intermediate stays on the GPU. Each graph copies in the arrays it touches first
 * ({@code FIRST_EXECUTION}) and keeps what it writes on the device ({@code UNDER_DEMAND}); {@link Residency} knows
 * which executed plan holds the newest copy of each array, which is copied back only when the host or a later graph
 * reads it. At most 8 executed plans stay alive; the oldest beyond that is copied back and freed.
 *
 * <p>Known performance problem: every flush builds a new graph and plan under a new name, and TornadoVM caches
 * compiled kernels per plan, so every kernel is JIT-compiled again at every flush (every training step).
 */
final class TaskGraphs implements AutoCloseable {
    /** Executed plans kept for their device-resident results. */
    private static final int LIVE_PLANS = 8;

    /** Adds one task, calling a {@link TornadoKernels} method, to {@code graph} under {@code taskId}. */
    @FunctionalInterface
    interface TaskAdder {
        void add(TaskGraph graph, String taskId, KernelContext context);
    }

    private record Executed(TornadoExecutionPlan plan, TornadoExecutionResult result) {
    }

    /** The graph being recorded, the arrays it has seen and the ones its tasks write. */
    private static final class Pending {
        final TaskGraph graph;
        final KernelContext context = new KernelContext();
        final GridScheduler grid = new GridScheduler();
        final Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        final Set<float[]> written = Collections.newSetFromMap(new IdentityHashMap<>());
        int tasks;

        Pending(String name) {
            graph = new TaskGraph(name);
        }
    }

    /** Numbers graphs across devices, so that every graph name in the JVM is unique. */
    private static final AtomicLong GRAPHS = new AtomicLong();

    private final TornadoDevice device;
    private final Residency<Executed> residency = new Residency<>(new Residency.Memory<>() {
        @Override
        public void copyToHost(Executed holder, float[] array) {
            holder.result().transferToHost(array);
        }

        @Override
        public void free(Executed holder) {
            try {
                holder.plan().close();
            } catch (TornadoExecutionPlanException e) {
                throw new IllegalStateException("TornadoVM could not free a plan's device memory: " + e.getMessage(), e);
            }
        }
    }, LIVE_PLANS);
    private Pending pending;

    TaskGraphs(TornadoDevice device) {
        this.device = device;
    }

    /**
     * Records a launch over work items [0, items) that reads {@code reads} (float[] or int[]) and writes
     * {@code writes}; an array both read and written is listed in both.
     */
    void launch(int items, Object[] reads, float[][] writes, TaskAdder task) {
        if (items == 0) {
            return;
        }
        if (pending == null) {
            pending = new Pending("atelier" + GRAPHS.getAndIncrement());
        }
        Pending p = pending;
        for (Object array : reads) {
            enter(p, array);
        }
        for (float[] array : writes) {
            enter(p, array);
        }
        String taskId = "t" + p.tasks++;
        task.add(p.graph, taskId, p.context);
        p.grid.addWorkerGrid(p.graph.getTaskGraphName() + "." + taskId, new WorkerGrid1D(items));
        Collections.addAll(p.written, writes);
    }

    /** First sight of an array in the pending graph: its newest copy comes to the host, then into the graph. */
    private void enter(Pending p, Object array) {
        if (p.seen.add(array)) {
            if (array instanceof float[] data) {
                residency.toHost(data);
            }
            p.graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, array);
        }
    }

    /** Runs the pending launches and makes the host copies of {@code arrays} current. */
    void toHost(float[]... arrays) {
        flush();
        for (float[] array : arrays) {
            residency.toHost(array);
        }
    }

    /** Runs the pending launches; the host has written {@code arrays}, so device copies of them are stale. */
    void fromHost(float[]... arrays) {
        flush();
        for (float[] array : arrays) {
            residency.hostWrote(array);
        }
    }

    private void flush() {
        if (pending == null) {
            return;
        }
        Pending p = pending;
        pending = null;
        if (!p.written.isEmpty()) {
            p.graph.transferToHost(DataTransferMode.UNDER_DEMAND, p.written.toArray());
        }
        TornadoExecutionPlan plan = new TornadoExecutionPlan(p.graph.snapshot());
        TornadoExecutionResult result = plan.withDevice(device).withGridScheduler(p.grid).execute();
        residency.executed(new Executed(plan, result), p.written);
    }

    /** Runs what is pending and copies every device-held result back, so the host holds all data. */
    @Override
    public void close() {
        flush();
        residency.releaseAll();
    }
}
